package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"image/png"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/netc/netc/internal/data"
	"github.com/netc/netc/tensorio"
)

// binary is the netc built once for these tests: the CLI contract (exit codes, output on
// stdout, diagnostics on stderr) is checked on the real executable.
var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "netc-cli")
	if err != nil {
		panic(err)
	}
	binary = filepath.Join(dir, "netc")
	if out, err := exec.Command("go", "build", "-o", binary, ".").CombinedOutput(); err != nil {
		os.Stderr.Write(out)
		panic(err)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// netc runs the binary from the repository root and returns stdout, stderr and the exit code.
func netc(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Dir = "../.."
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return out.String(), errb.String(), code
}

func TestCheckTable(t *testing.T) {
	out, _, code := netc(t, "check", "specs/lenet-bn.toml")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	for _, want := range []string{"conv1", "batchnorm4", "44,878 trainable", "281,640", "FLOPs = 2 x MACs"} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}
}

func TestCheckJSON(t *testing.T) {
	out, _, code := netc(t, "check", "specs/vgg11.toml", "--set", "ratio=4", "--json")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	var s struct {
		Params int64 `json:"params"`
		MACs   int64 `json:"macs"`
		Output []int `json:"output"`
		Layers []struct {
			Name   string `json:"name"`
			Op     string `json:"op"`
			Shape  []int  `json:"shape"`
			Params int64  `json:"params"`
			MACs   int64  `json:"macs"`
		} `json:"layers"`
	}
	if err := json.Unmarshal([]byte(out), &s); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	// PyTorch's counts for vgg(4) (tools/book_nets.py).
	if s.Params != 43_093_322 || s.MACs != 512_155_648 || len(s.Output) != 1 || s.Output[0] != 10 {
		t.Errorf("params %d macs %d output %v", s.Params, s.MACs, s.Output)
	}
	if l := s.Layers[0]; l.Name != "vgg_block1.conv1" || l.Op != "conv" || len(l.Shape) != 3 || l.Shape[0] != 16 {
		t.Errorf("first layer %+v", l)
	}
}

func TestExitCodes(t *testing.T) {
	cases := []struct {
		args   []string
		code   int
		stderr string
	}{
		{[]string{"check", "testdata/broken/unknown_key.toml"}, 1, `testdata/broken/unknown_key.toml:5:27: layers[0].kernal: unknown key "kernal"`},
		{[]string{"check", "testdata/broken/syntax.toml"}, 1, "testdata/broken/syntax.toml:6:3: TOML syntax"},
		{[]string{"check", "specs/nope.toml"}, 2, "no such spec file"},
		{[]string{"check"}, 2, "accepts 1 arg"},
		{[]string{"check", "specs/alexnet.toml", "--bogus"}, 2, "unknown flag: --bogus"},
		{[]string{"check", "specs/vgg11.toml", "--set", "ration=4"}, 2, `did you mean "ratio"`},
		{[]string{"check", "specs/vgg11.toml", "--input", "224x"}, 2, "expected CxHxW"},
		{[]string{"frobnicate"}, 2, "unknown command"},
		{[]string{"check", "specs/alexnet.toml", "--input", "1x32x32"}, 1, "specs/alexnet.toml:11:3: maxpool2: height: window 3 is larger than the padded input 2 (= 2 + 2*0) (input 256x2x2)"},
	}
	for _, c := range cases {
		_, stderr, code := netc(t, c.args...)
		if code != c.code || !strings.Contains(stderr, c.stderr) {
			t.Errorf("netc %s: exit %d, stderr:\n%s\nwant exit %d and %q", strings.Join(c.args, " "), code, stderr, c.code, c.stderr)
		}
	}
}

func TestSchemaAndHelp(t *testing.T) {
	out, _, code := netc(t, "schema")
	var v map[string]any
	if code != 0 || json.Unmarshal([]byte(out), &v) != nil || v["title"] != "netc network spec" {
		t.Errorf("netc schema: exit %d, output not the schema", code)
	}
	out, _, code = netc(t, "check", "--help")
	if code != 0 || !strings.Contains(out, "Examples:") || !strings.Contains(out, "--set ratio=4") {
		t.Errorf("check --help lacks examples:\n%s", out)
	}
	out, _, code = netc(t, "completion", "bash")
	if code != 0 || !strings.Contains(out, "bash completion") {
		t.Errorf("completion bash: exit %d", code)
	}
}

func TestPlanInitInfer(t *testing.T) {
	out, _, code := netc(t, "plan", "specs/googlenet.toml", "--train", "--batch", "8", "--json")
	var p struct {
		Arena      int64 `json:"arena_bytes"`
		Naive      int64 `json:"naive_bytes"`
		LowerBound int64 `json:"lower_bound_bytes"`
		Steps      []struct {
			Name  string   `json:"name"`
			Fused []string `json:"fused"`
		} `json:"steps"`
	}
	if code != 0 || json.Unmarshal([]byte(out), &p) != nil {
		t.Fatalf("plan --json: exit %d\n%s", code, out)
	}
	if !(p.LowerBound <= p.Arena && p.Arena < p.Naive) || len(p.Steps) == 0 {
		t.Errorf("plan totals: bound %d, arena %d, naive %d", p.LowerBound, p.Arena, p.Naive)
	}
	if _, stderr, code := netc(t, "plan", "specs/googlenet.toml", "--disable", "fuse"); code != 2 || !strings.Contains(stderr, "no pass") {
		t.Errorf("unknown pass: exit %d %s", code, stderr)
	}

	dir := t.TempDir()
	w := filepath.Join(dir, "w.safetensors")
	if _, stderr, code := netc(t, "init", "specs/lenet-bn.toml", "--seed", "3", "--out", w); code != 0 {
		t.Fatalf("init: exit %d %s", code, stderr)
	}
	// A zero batch of 2 images through the saved weights.
	x := filepath.Join(dir, "x.npy")
	npy := append([]byte("\x93NUMPY\x01\x00v\x00{'descr': '<f4', 'fortran_order': False, 'shape': (2, 1, 28, 28), }"), bytes.Repeat([]byte(" "), 128-10-len("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 1, 28, 28), }")-1)...)
	npy = append(npy, '\n')
	npy = append(npy, make([]byte, 2*28*28*4)...)
	if err := os.WriteFile(x, npy, 0o644); err != nil {
		t.Fatal(err)
	}
	y := filepath.Join(dir, "y.npy")
	if _, stderr, code := netc(t, "infer", "specs/lenet-bn.toml", "--weights", w, "--input", x, "--out", y); code != 0 {
		t.Fatalf("infer: exit %d %s", code, stderr)
	}
	if st, err := os.Stat(y); err != nil || st.Size() != 128+2*10*4 {
		t.Errorf("logits file: %v, %v", st, err)
	}
	// Weights of another network are refused, naming what does not fit.
	if _, stderr, code := netc(t, "infer", "specs/googlenet.toml", "--weights", w, "--input", x, "--out", y); code != 1 || !strings.Contains(stderr, "missing b1.conv.weight") {
		t.Errorf("mismatched weights: exit %d %s", code, stderr)
	}
	if _, stderr, code := netc(t, "infer", "specs/lenet-bn.toml", "--weights", w, "--input", x); code != 2 {
		t.Errorf("missing --out: exit %d %s", code, stderr)
	}
}

// TestTrainSignalAndResume interrupts a training run with SIGINT: the step finishes, a
// checkpoint is written, the resume command is printed and the exit status is 130; the
// printed command then completes the run.
func TestTrainSignalAndResume(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "run")
	cmd := exec.Command(binary, "train", "specs/lenet-bn.toml", "--data", "embedded", "--train-limit", "4096",
		"--test-limit", "256", "--epochs", "3", "--batch", "32", "--lr", "0.1", "--out", dir)
	cmd.Dir = "../.."
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Wait for the first epoch's line, then interrupt during the second.
	buf := make([]byte, 4096)
	var seen strings.Builder
	for !strings.Contains(seen.String(), "epoch 1/3") {
		n, err := stdout.Read(buf)
		if err != nil {
			t.Fatalf("no epoch line: %v\n%s\n%s", err, seen.String(), stderr.String())
		}
		seen.Write(buf[:n])
	}
	cmd.Process.Signal(os.Interrupt)
	io.Copy(io.Discard, stdout)
	err = cmd.Wait()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 130 {
		t.Fatalf("exit: %v\n%s", err, stderr.String())
	}
	if !strings.Contains(stderr.String(), "continue with: netc train --resume "+dir) {
		t.Errorf("no resume command in:\n%s", stderr.String())
	}
	out, errOut, code := netc(t, "train", "--resume", dir)
	if code != 0 || !strings.Contains(out, "epoch 3/3") || strings.Contains(out, "epoch 1/3") {
		t.Fatalf("resume: exit %d\n%s\n%s", code, out, errOut)
	}
	if _, _, code := netc(t, "train", "--resume", dir, "--lr", "1"); code != 2 {
		t.Errorf("changing the lr on resume: exit %d, want 2", code)
	}
}

// TestTrainSurvivesKill kills training (SIGKILL) at several moments: the run directory
// never holds a checkpoint that cannot be read, since checkpoints are written to a
// temporary file and renamed.
func TestTrainSurvivesKill(t *testing.T) {
	for _, delay := range []time.Duration{1500 * time.Millisecond, 2500 * time.Millisecond, 3200 * time.Millisecond} {
		dir := filepath.Join(t.TempDir(), "run")
		cmd := exec.Command(binary, "train", "specs/lenet-bn.toml", "--data", "embedded", "--train-limit", "512",
			"--test-limit", "128", "--epochs", "50", "--batch", "32", "--lr", "0.1", "--out", dir)
		cmd.Dir = "../.."
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(delay)
		cmd.Process.Kill()
		cmd.Wait()
		ck := filepath.Join(dir, "checkpoint.safetensors")
		if _, err := os.Stat(ck); err != nil {
			continue // killed before the first epoch ended
		}
		if _, _, err := tensorio.ReadFile(ck); err != nil {
			t.Errorf("after SIGKILL at %v the checkpoint is unreadable: %v", delay, err)
		}
		// Continue the killed run by one more epoch.
		done := strings.Count(readFile(t, filepath.Join(dir, "metrics.csv")), "\n") - 1
		if out, errOut, code := netc(t, "train", "--resume", dir, "--epochs", fmt.Sprint(done+1)); code != 0 {
			t.Errorf("resume after SIGKILL: exit %d\n%s%s", code, out, errOut)
		}
	}
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestEvalAndPredict trains briefly, then evaluates the weights and classifies a real
// test image written as a PNG.
func TestEvalAndPredict(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "run")
	if out, errOut, code := netc(t, "train", "specs/lenet-bn.toml", "--data", "embedded", "--train-limit", "4096",
		"--test-limit", "500", "--epochs", "2", "--batch", "64", "--lr", "0.1", "--out", dir); code != 0 {
		t.Fatalf("train: exit %d\n%s%s", code, out, errOut)
	}
	w := filepath.Join(dir, "best.safetensors")
	out, errOut, code := netc(t, "eval", "specs/lenet-bn.toml", "--weights", w, "--data", "embedded", "--plot", filepath.Join(dir, "confusion.png"))
	if code != 0 {
		t.Fatalf("eval: exit %d\n%s", code, errOut)
	}
	var acc float64
	var correct, total int
	if _, err := fmt.Sscanf(out[strings.Index(out, "test accuracy"):], "test accuracy %f (%d of %d)", &acc, &correct, &total); err != nil || total != 2000 {
		t.Fatalf("eval output:\n%s", out)
	}
	if acc < 0.5 || !strings.Contains(out, "Ankle boot") || !strings.Contains(out, "true \\ pred") {
		t.Errorf("eval: accuracy %.3f, output:\n%s", acc, out)
	}
	if st, err := os.Stat(filepath.Join(dir, "confusion.png")); err != nil || st.Size() < 1000 {
		t.Errorf("no confusion plot: %v", err)
	}
	// The first embedded test image, as a PNG.
	ds, err := data.LoadEmbedded()
	if err != nil {
		t.Fatal(err)
	}
	img := image.NewGray(image.Rect(0, 0, 28, 28))
	copy(img.Pix, ds.Test.Image(0))
	png1 := filepath.Join(t.TempDir(), "item.png")
	f, _ := os.Create(png1)
	png.Encode(f, img)
	f.Close()
	out, errOut, code = netc(t, "predict", "specs/lenet-bn.toml", "--weights", w, png1)
	if code != 0 || !strings.HasPrefix(out, png1+": ") || strings.Count(out, ",") != 2 {
		t.Fatalf("predict: exit %d\n%s%s", code, out, errOut)
	}
	t.Logf("label %s; %s", data.ClassNames[ds.Test.Labels[0]], out)
	if _, _, code := netc(t, "predict", "specs/lenet-bn.toml", "--weights", w, "missing.png"); code != 1 {
		t.Errorf("a missing image: exit %d, want 1", code)
	}
}
