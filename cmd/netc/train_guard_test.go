package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/netc/netc/internal/data"
	"github.com/netc/netc/internal/data/idx"
	"github.com/netc/netc/tensorio"
)

// netcEnv is netc with extra environment variables.
func netcEnv(t *testing.T, env []string, args ...string) (string, string, int) {
	t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Dir = "../.."
	cmd.Env = append(os.Environ(), env...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return out.String(), errb.String(), ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return out.String(), errb.String(), 0
}

// specWith writes specs/lenet-bn.toml with old replaced by new (or new appended when old
// is "") to a temporary file.
func specWith(t *testing.T, old, new string) string {
	t.Helper()
	src := readFile(t, "../../specs/lenet-bn.toml")
	if old == "" {
		src += new
	} else if !strings.Contains(src, old) {
		t.Fatalf("lenet-bn.toml lacks %q", old)
	} else {
		src = strings.Replace(src, old, new, 1)
	}
	path := filepath.Join(t.TempDir(), "lenet-bn.toml")
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

var quick = []string{"--data", "embedded", "--epochs", "1", "--train-limit", "128", "--test-limit", "64", "--batch", "32"}

func readRunJSON(t *testing.T, dir string) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(readFile(t, filepath.Join(dir, "run.json"))), &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// TestTrainFlagZeroOverridesTheSpec: --momentum 0 and --weight-decay 0 switch off the
// spec's values (a flag's zero is a value), and the spec's [train] seed is used.
func TestTrainFlagZeroOverridesTheSpec(t *testing.T) {
	spec := specWith(t, "", "momentum = 0.9\nweight_decay = 0.001\nseed = 7\n")
	dir := filepath.Join(t.TempDir(), "run")
	out, errOut, code := netc(t, append([]string{"train", spec, "--momentum", "0", "--weight-decay", "0", "--out", dir}, quick...)...)
	if code != 0 {
		t.Fatalf("exit %d\n%s%s", code, out, errOut)
	}
	m := readRunJSON(t, dir)
	if m["Momentum"] != 0.0 || m["WeightDecay"] != 0.0 || m["Seed"] != 7.0 {
		t.Errorf("run.json has momentum %v, weight decay %v, seed %v; want 0, 0 and the spec's 7", m["Momentum"], m["WeightDecay"], m["Seed"])
	}
	if !strings.Contains(out, "SGD (momentum 0, weight decay 0), xavier init, seed 7") {
		t.Errorf("recipe line:\n%s", out)
	}
	// Without the flags, the spec's values.
	dir = filepath.Join(t.TempDir(), "run")
	if out, errOut, code := netc(t, append([]string{"train", spec, "--out", dir}, quick...)...); code != 0 {
		t.Fatalf("exit %d\n%s%s", code, out, errOut)
	}
	if m := readRunJSON(t, dir); m["Momentum"] != 0.9 || m["WeightDecay"] != 0.001 {
		t.Errorf("without flags: momentum %v, weight decay %v; want the spec's 0.9 and 0.001", m["Momentum"], m["WeightDecay"])
	}
}

// TestTrainRefusesNonFiniteFlags: NaN and infinity are usage errors naming the flag.
func TestTrainRefusesNonFiniteFlags(t *testing.T) {
	for _, f := range [][]string{{"--lr", "nan"}, {"--lr", "inf"}, {"--lr", "0"}, {"--momentum", "nan"}, {"--momentum", "inf"}, {"--weight-decay", "nan"}, {"--weight-decay", "inf"}, {"--batch", "0"}} {
		dir := filepath.Join(t.TempDir(), "run")
		_, errOut, code := netc(t, append(append([]string{"train", "specs/lenet-bn.toml", "--out", dir}, quick...), f...)...)
		if code != 2 || !strings.Contains(errOut, f[0]) {
			t.Errorf("%v: exit %d, want 2 naming %s:\n%s", f, code, f[0], errOut)
		}
		if _, err := os.Stat(dir); err == nil {
			t.Errorf("%v: a refused run created %s", f, dir)
		}
	}
}

// TestTrainOutKeepsUserFiles: --out into a directory that holds a user's files is refused
// and nothing there changes.
func TestTrainOutKeepsUserFiles(t *testing.T) {
	dir := t.TempDir()
	mine := filepath.Join(dir, "metrics.csv")
	os.WriteFile(mine, []byte("mine\n"), 0o644)
	_, errOut, code := netc(t, append([]string{"train", "specs/lenet-bn.toml", "--out", dir}, quick...)...)
	if code != 1 || !strings.Contains(errOut, "not empty") {
		t.Errorf("exit %d, want 1 and a refusal:\n%s", code, errOut)
	}
	if readFile(t, mine) != "mine\n" {
		t.Error("the user's metrics.csv was overwritten")
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("the directory now holds %d entries", len(entries))
	}
}

// TestTrainPrintsAWorkingEvalCommand: the printed evaluate command keeps --input (a net
// trained at 32x32 is evaluated at 32x32) and the data, and quotes a path with spaces;
// run by a shell, it works.
func TestTrainPrintsAWorkingEvalCommand(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "my runs", "it's lenet")
	out, errOut, code := netc(t, append([]string{"train", "specs/lenet-bn.toml", "--input", "1x32x32", "--out", dir}, quick...)...)
	if code != 0 {
		t.Fatalf("exit %d\n%s%s", code, out, errOut)
	}
	_, line, ok := strings.Cut(out, "evaluate: ")
	line, _, _ = strings.Cut(line, "\n")
	if !ok || !strings.Contains(line, "--input 1x32x32") || !strings.Contains(line, "--data embedded") {
		t.Fatalf("evaluate line %q lacks --input 1x32x32 or --data embedded", line)
	}
	rest, ok := strings.CutPrefix(line, "netc ")
	if !ok {
		t.Fatalf("evaluate line %q", line)
	}
	sh := exec.Command("sh", "-c", "\"$NETC\" "+rest)
	sh.Env = append(os.Environ(), "NETC="+binary)
	got, err := sh.CombinedOutput()
	if err != nil || !strings.Contains(string(got), "test accuracy") {
		t.Errorf("sh -c %q: %v\n%s", line, err, got)
	}
}

// TestTrainSIGHUPWritesACheckpoint: a hang-up (the terminal closed) is an interruption
// like Ctrl-C: a checkpoint, exit 130, and the run continues with --resume.
func TestTrainSIGHUPWritesACheckpoint(t *testing.T) {
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
	buf := make([]byte, 4096)
	var seen strings.Builder
	for !strings.Contains(seen.String(), "epoch 1/3") {
		n, err := stdout.Read(buf)
		if err != nil {
			t.Fatalf("no epoch line: %v\n%s\n%s", err, seen.String(), stderr.String())
		}
		seen.Write(buf[:n])
	}
	cmd.Process.Signal(syscall.SIGHUP)
	io.Copy(io.Discard, stdout)
	err = cmd.Wait()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 130 {
		t.Fatalf("after SIGHUP: %v, want exit 130\n%s", err, stderr.String())
	}
	if _, _, err := tensorio.ReadFile(filepath.Join(dir, "checkpoint.safetensors")); err != nil {
		t.Fatal(err)
	}
	if out, errOut, code := netc(t, "train", "--resume", dir); code != 0 || !strings.Contains(out, "epoch 3/3") {
		t.Errorf("resume: exit %d\n%s%s", code, out, errOut)
	}
}

// TestInferTrainModeOnOneSample: --train-mode normalizes with the batch's statistics;
// one sample through LeNet-BN's batchnorm after a linear layer is refused, not a panic.
func TestInferTrainModeOnOneSample(t *testing.T) {
	dir := t.TempDir()
	w, x := filepath.Join(dir, "w.safetensors"), filepath.Join(dir, "x.npy")
	if _, errOut, code := netc(t, "init", "specs/lenet-bn.toml", "--out", w); code != 0 {
		t.Fatal(errOut)
	}
	ds, err := data.LoadEmbedded()
	if err != nil {
		t.Fatal(err)
	}
	img := make([]float32, 28*28)
	for i, v := range ds.Test.Image(0) {
		img[i] = float32(v) / 255
	}
	if err := tensorio.WriteNPY(x, []int{1, 1, 28, 28}, img); err != nil {
		t.Fatal(err)
	}
	_, errOut, code := netc(t, "infer", "specs/lenet-bn.toml", "--weights", w, "--input", x, "--out", filepath.Join(dir, "y.npy"), "--train-mode")
	if code != 1 || !strings.Contains(errOut, "needs at least 2 samples") || strings.Contains(errOut, "panic") {
		t.Errorf("exit %d, want 1 and a refusal:\n%s", code, errOut)
	}
	// Without --train-mode, one sample is fine (running statistics).
	if _, errOut, code := netc(t, "infer", "specs/lenet-bn.toml", "--weights", w, "--input", x, "--out", filepath.Join(dir, "y.npy")); code != 0 {
		t.Errorf("inference on one sample: exit %d\n%s", code, errOut)
	}
}

// TestBeyondMemoryIsRefused: weights or batches larger than the available memory (8 GiB
// here, by $NETC_MEMORY_LIMIT) are refused with their size instead of ending in Go's
// fatal out-of-memory; plan only warns, since it allocates nothing. The sizes are also
// beyond this machine's RAM, so without the check the kernel refuses the allocation.
func TestBeyondMemoryIsRefused(t *testing.T) {
	env := []string{"NETC_MEMORY_LIMIT=8G"}
	w := filepath.Join(t.TempDir(), "w.safetensors")
	// 16000x16000 input: the first linear layer has 120 x 16*3997*3997 weights, 228.5 GiB
	// with their gradients.
	_, errOut, code := netcEnv(t, env, "init", "specs/lenet-bn.toml", "--input", "1x16000x16000", "--out", w)
	if code != 1 || !strings.Contains(errOut, "228.54 GiB") || !strings.Contains(errOut, "8.00 GiB is available") {
		t.Errorf("init at 16000x16000: exit %d\n%s", code, errOut)
	}
	// A linear layer of 2^24 outputs (the schema's largest) over 16*13*13 features at
	// 64x64: 169 GiB of weights, 338 with gradients.
	wide := specWith(t, `{ op = "linear", out = 120 }`, `{ op = "linear", out = 16777216 }`)
	_, errOut, code = netcEnv(t, env, "init", wide, "--input", "1x64x64", "--out", w)
	if code != 1 || !strings.Contains(errOut, "not enough memory") {
		t.Errorf("init with a linear of 2^24 outputs: exit %d\n%s", code, errOut)
	}
	_, errOut, code = netcEnv(t, env, "bench", "specs/lenet-bn.toml", "--batch", "10000000", "--steps", "1")
	if code != 1 || !strings.Contains(errOut, "not enough memory for running the training plan") {
		t.Errorf("bench at batch 10,000,000: exit %d\n%s", code, errOut)
	}
	out, errOut, code := netcEnv(t, env, "plan", "specs/lenet-bn.toml", "--train", "--batch", "10000000")
	if code != 0 || !strings.Contains(errOut, "warning: not enough memory") || !strings.Contains(out, "arena") {
		t.Errorf("plan at batch 10,000,000: exit %d\n%s", code, errOut)
	}
	if _, err := os.Stat(w); err == nil {
		t.Errorf("a refused init wrote %s", w)
	}
}

// TestTrainBatchOfOneSample: a last batch of one image (65 at batch 64) is left out with
// a note instead of panicking in batchnorm; --batch 1 is refused before anything starts.
func TestTrainBatchOfOneSample(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "run")
	out, errOut, code := netc(t, "train", "specs/lenet-bn.toml", "--data", "embedded", "--epochs", "1", "--train-limit", "65", "--test-limit", "64", "--batch", "64", "--out", dir)
	if code != 0 || !strings.Contains(out, "leaves out its last batch of 1 image") {
		t.Errorf("65 images at batch 64: exit %d\n%s%s", code, out, errOut)
	}
	dir = filepath.Join(t.TempDir(), "run")
	_, errOut, code = netc(t, "train", "specs/lenet-bn.toml", "--data", "embedded", "--epochs", "1", "--train-limit", "64", "--batch", "1", "--out", dir)
	if code != 1 || !strings.Contains(errOut, "batch of at least 2") || strings.Contains(errOut, "panic") {
		t.Errorf("--batch 1: exit %d\n%s", code, errOut)
	}
}

// TestTrainRunsStartedTogether: two runs started at once without --out get a directory
// each, and both keep their results.
func TestTrainRunsStartedTogether(t *testing.T) {
	spec, err := filepath.Abs("../../specs/lenet-bn.toml")
	if err != nil {
		t.Fatal(err)
	}
	cwd := t.TempDir()
	var cmds []*exec.Cmd
	for range 2 {
		cmd := exec.Command(binary, append([]string{"train", spec}, quick...)...)
		cmd.Dir = cwd
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		cmds = append(cmds, cmd)
	}
	for _, cmd := range cmds {
		if err := cmd.Wait(); err != nil {
			t.Errorf("a run: %v", err)
		}
	}
	runs, _ := filepath.Glob(filepath.Join(cwd, "runs", "lenet-bn-*", "metrics.csv"))
	if len(runs) != 2 {
		t.Errorf("two runs left %d metrics files: %v", len(runs), runs)
	}
}

// TestTrainResumeRefusesAnEditedRunJSON: an edited learning rate in run.json is refused on
// resume, naming both values, instead of silently training on with it.
func TestTrainResumeRefusesAnEditedRunJSON(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "run")
	if out, errOut, code := netc(t, append([]string{"train", "specs/lenet-bn.toml", "--lr", "0.5", "--out", dir}, quick...)...); code != 0 {
		t.Fatalf("exit %d\n%s%s", code, out, errOut)
	}
	path := filepath.Join(dir, "run.json")
	edited := strings.Replace(readFile(t, path), `"LR": 0.5`, `"LR": 1000`, 1)
	os.WriteFile(path, []byte(edited), 0o644)
	_, errOut, code := netc(t, "train", "--resume", dir, "--epochs", "2")
	if code != 1 || !strings.Contains(errOut, "LR is 1000 in run.json, 0.5 in the checkpoint") {
		t.Errorf("exit %d, want 1 naming the edit:\n%s", code, errOut)
	}
}

// writeIDXDir writes the first nTrain training and nTest test images of the embedded
// subset of real Fashion-MNIST as the four IDX files of a data directory.
func writeIDXDir(t *testing.T, nTrain, nTest int) string {
	t.Helper()
	ds, err := data.LoadEmbedded()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for _, sp := range []struct {
		name  string
		split *data.Split
		n     int
	}{{"train", ds.Train, nTrain}, {"t10k", ds.Test, nTest}} {
		hw := sp.split.Height * sp.split.Width
		files := map[string]*idx.File{
			sp.name + "-images-idx3-ubyte": {Dims: []int{sp.n, sp.split.Height, sp.split.Width}, Data: sp.split.Images[:sp.n*hw]},
			sp.name + "-labels-idx1-ubyte": {Dims: []int{sp.n}, Data: sp.split.Labels[:sp.n]},
		}
		for name, f := range files {
			var b bytes.Buffer
			if err := idx.Encode(&b, f); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, name), b.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	return dir
}

// TestTrainRefusesEmptySplits: a data directory without test (or training) images is an
// error, not a run that "trains" and exits 0.
func TestTrainRefusesEmptySplits(t *testing.T) {
	for _, tc := range []struct {
		train, test int
		want        string
	}{{100, 0, "no test images"}, {0, 100, "no training images"}} {
		dir := filepath.Join(t.TempDir(), "run")
		_, errOut, code := netc(t, "train", "specs/lenet-bn.toml", "--data", writeIDXDir(t, tc.train, tc.test), "--epochs", "1", "--out", dir)
		if code != 1 || !strings.Contains(errOut, tc.want) {
			t.Errorf("%d train / %d test images: exit %d, want 1 and %q:\n%s", tc.train, tc.test, code, tc.want, errOut)
		}
	}
}

// TestTrainDisableTypoComesFirst: a misspelt --disable is a usage error reported before
// the data is looked for (here the data directory does not exist either).
func TestTrainDisableTypoComesFirst(t *testing.T) {
	_, errOut, code := netc(t, "train", "specs/lenet-bn.toml", "--disable", "fuse-activaton", "--data", filepath.Join(t.TempDir(), "none"), "--out", filepath.Join(t.TempDir(), "run"))
	if code != 2 || !strings.Contains(errOut, `no pass "fuse-activaton"`) {
		t.Errorf("exit %d, want the unknown pass named:\n%s", code, errOut)
	}
}

// TestTrainResumeKeepsItsData: a run that found its data through $NETC_DATA continues on
// that data when $NETC_DATA later points elsewhere; and a stale temporary file from a write
// a crash interrupted is removed.
func TestTrainResumeKeepsItsData(t *testing.T) {
	first, other := writeIDXDir(t, 300, 100), writeIDXDir(t, 200, 100)
	dir := filepath.Join(t.TempDir(), "run")
	args := []string{"train", "specs/lenet-bn.toml", "--epochs", "1", "--batch", "32", "--out", dir}
	if out, errOut, code := netcEnv(t, []string{"NETC_DATA=" + first}, args...); code != 0 {
		t.Fatalf("exit %d\n%s%s", code, out, errOut)
	}
	stale := filepath.Join(dir, ".checkpoint.safetensors.tmp-4242")
	os.WriteFile(stale, []byte("half"), 0o644)
	out, errOut, code := netcEnv(t, []string{"NETC_DATA=" + other}, "train", "--resume", dir, "--epochs", "2")
	if code != 0 || !strings.Contains(out, "300 training") || !strings.Contains(out, first) {
		t.Errorf("resume: exit %d, want the recorded %s with 300 training images:\n%s%s", code, first, out, errOut)
	}
	if _, err := os.Stat(stale); err == nil {
		t.Errorf("%s is still there after resuming", stale)
	}
}
