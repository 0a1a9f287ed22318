package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/netc/netc/tensorio"
)

// TestNonRegularInputsRefused gives a FIFO with no writer as each input path of each
// command (spec, weights, .npy input, image, state dict, data file, and every file a
// resumed run reads). Opening a FIFO for reading blocks until a writer comes, so each
// command used to hang; now each exits non-zero at once, saying the path is a named pipe.
func TestNonRegularInputsRefused(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	spec := "specs/lenet-bn.toml"
	w := filepath.Join(dir, "w.safetensors")
	mustRun(t, "init", spec, "--out", w)
	x := filepath.Join(dir, "x.npy")
	if err := tensorio.WriteNPY(x, []int{1, 1, 28, 28}, make([]float32, 28*28)); err != nil {
		t.Fatal(err)
	}
	// A data directory whose first file is a FIFO.
	dataDir := filepath.Join(dir, "data")
	os.Mkdir(dataDir, 0o755)
	for _, name := range []string{"train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"} {
		if err := syscall.Mkfifo(filepath.Join(dataDir, name), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	// A finished run, copied once per file it holds that resuming reads.
	run := filepath.Join(dir, "run")
	mustRun(t, "train", spec, "--data", "embedded", "--train-limit", "64", "--test-limit", "64",
		"--epochs", "1", "--batch", "32", "--out", run)
	resumeWith := func(name string) string {
		d := filepath.Join(dir, "run-"+name)
		if err := os.CopyFS(d, os.DirFS(run)); err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(d, name)
		os.Remove(p)
		if err := syscall.Mkfifo(p, 0o600); err != nil {
			t.Fatal(err)
		}
		return d
	}

	cases := [][]string{
		{"check", fifo},
		{"plan", fifo},
		{"diff", spec, fifo},
		{"train", fifo, "--data", "embedded"},
		{"infer", spec, "--weights", fifo, "--input", x, "--out", filepath.Join(dir, "y.npy")},
		{"infer", spec, "--weights", w, "--input", fifo, "--out", filepath.Join(dir, "y.npy")},
		{"predict", spec, "--weights", fifo, fifo},
		{"predict", spec, "--weights", w, fifo},
		{"eval", spec, "--weights", fifo, "--data", "embedded"},
		{"eval", spec, "--weights", w, "--data", dataDir},
		{"export", spec, "--weights", fifo, "--format", "onnx", "--out", filepath.Join(dir, "m.onnx")},
		{"import", fifo, "--spec", spec, "--out", filepath.Join(dir, "i.safetensors")},
		{"import", w, "--spec", spec, "--map", fifo, "--out", filepath.Join(dir, "i.safetensors")},
		{"train", spec, "--data", dataDir, "--epochs", "1", "--out", filepath.Join(dir, "run2")},
		{"train", "--resume", resumeWith("run.json")},
		{"train", "--resume", resumeWith("spec.toml")},
		{"train", "--resume", resumeWith("checkpoint.safetensors")},
		{"train", "--resume", resumeWith("metrics.csv"), "--epochs", "2"},
	}
	for _, args := range cases {
		start := time.Now()
		stderr, code, hung := netcWithin(t, 10*time.Second, args...)
		took := time.Since(start)
		switch {
		case hung:
			t.Errorf("netc %s: still running after 10s (hangs on the FIFO)", strings.Join(args, " "))
		case code == 0 || !strings.Contains(stderr, "named pipe (FIFO), not a regular file"):
			t.Errorf("netc %s: exit %d, stderr:\n%s", strings.Join(args, " "), code, stderr)
		default:
			t.Logf("netc %s: exit %d after %v: %s", args[0], code, took.Round(time.Millisecond), strings.TrimSpace(stderr))
		}
	}
}

// netcWithin runs netc from the repository root and kills it after limit; hung reports
// that it had to be killed.
func netcWithin(t *testing.T, limit time.Duration, args ...string) (stderr string, code int, hung bool) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	defer cancel()
	cmd := exec.CommandContext(ctx, binary, args...)
	cmd.Dir = "../.."
	var errb bytes.Buffer
	cmd.Stderr = &errb
	err := cmd.Run()
	if ctx.Err() != nil {
		return errb.String(), -1, true
	}
	if ee, ok := err.(*exec.ExitError); ok {
		return errb.String(), ee.ExitCode(), false
	}
	if err != nil {
		t.Fatal(err)
	}
	return errb.String(), 0, false
}
