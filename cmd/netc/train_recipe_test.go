package main

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/netc/netc/tensorio"
)

// TestTrainInitFromAndFreeze starts LeNet-BN from weights made for a 32x32 input: every
// tensor but the first linear layer's weight fits and is loaded; that one is reported
// with both shapes and initialized. conv1 is frozen and stays bit-identical.
func TestTrainInitFromAndFreeze(t *testing.T) {
	dir := t.TempDir()
	w := filepath.Join(dir, "w32.safetensors")
	if _, errOut, code := netc(t, "init", "specs/lenet-bn.toml", "--input", "1x32x32", "--seed", "3", "--out", w); code != 0 {
		t.Fatalf("init: exit %d: %s", code, errOut)
	}
	run := filepath.Join(dir, "run")
	out, errOut, code := netc(t, "train", "specs/lenet-bn.toml", "--data", "embedded", "--epochs", "1", "--train-limit", "256",
		"--test-limit", "64", "--init-from", w, "--freeze", "conv1", "--optimizer", "adamw", "--lr", "0.01",
		"--schedule", "onecycle", "--out", run)
	if code != 0 {
		t.Fatalf("exit %d\n%s%s", code, out, errOut)
	}
	// LeNet-BN's first linear layer reads 16x4x4 = 256 values at 28x28 (28-4 = 24, pooled
	// 12, 12-4 = 8, pooled 4) and 16x5x5 = 400 at 32x32.
	for _, want := range []string{
		"AdamW (betas 0.9/0.999, eps 1e-08, weight decay 0.01), onecycle schedule",
		"init from " + w + ": 25 tensors loaded, 1 initialized",
		"initialized (shape differs) linear1.weight: file [120 400], network [120 256]",
		"frozen: 2 parameters under conv1",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	start, _, err := tensorio.ReadFile(w)
	if err != nil {
		t.Fatal(err)
	}
	end, _, err := tensorio.ReadFile(filepath.Join(run, "last.safetensors"))
	if err != nil {
		t.Fatal(err)
	}
	for i, e := range end {
		if e.Name != start[i].Name {
			t.Fatalf("tensor %d is %s in the run, %s in the init file", i, e.Name, start[i].Name)
		}
		same := slices.Equal(e.Data, start[i].Data) // no NaN in trained weights: == is bitwise here
		if frozen := strings.HasPrefix(e.Name, "conv1."); frozen != same && e.Name != "linear1.weight" {
			t.Errorf("%s: frozen %v, unchanged %v", e.Name, frozen, same)
		}
	}
}

// TestTrainRecipeFlagErrors: a flag value that cannot be right is a usage error (exit 2)
// saying which flag; a prefix that freezes nothing is an error naming the prefix (exit 1).
func TestTrainRecipeFlagErrors(t *testing.T) {
	base := []string{"train", "specs/lenet-bn.toml", "--data", "embedded", "--epochs", "1", "--train-limit", "64", "--test-limit", "64"}
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"--optimizer", "adam"}, 2, `--optimizer "adam"`},
		{[]string{"--schedule", "step,milestones=3"}, 2, "milestones is not a key of the step schedule"},
		{[]string{"--betas", "0.9"}, 2, "--betas takes two numbers"},
		{[]string{"--label-smoothing", "2"}, 2, "--label-smoothing"},
		{[]string{"--nesterov"}, 1, "Nesterov momentum needs SGD with a momentum above 0"},
		{[]string{"--freeze", "stem"}, 1, `"stem" matches no trainable parameter`},
	} {
		args := append(append(append([]string{}, base...), "--out", filepath.Join(t.TempDir(), "run")), c.args...)
		_, errOut, code := netc(t, args...)
		if code != c.code || !strings.Contains(errOut, c.want) {
			t.Errorf("%v: exit %d, want %d with %q; stderr:\n%s", c.args, code, c.code, c.want, errOut)
		}
	}
}

// TestTrainOptimizerSwitch: --optimizer adamw over the book's SGD recipe takes AdamW's
// weight decay (PyTorch's default, 0.01) unless --weight-decay says otherwise, 0 included.
func TestTrainOptimizerSwitch(t *testing.T) {
	for _, c := range []struct {
		extra []string
		want  string
	}{
		{nil, "AdamW (betas 0.9/0.999, eps 1e-08, weight decay 0.01)"},
		{[]string{"--weight-decay", "0"}, "AdamW (betas 0.9/0.999, eps 1e-08, weight decay 0)"},
		{[]string{"--betas", "0.8,0.99", "--eps", "1e-6", "--clip-grad-norm", "0"}, "AdamW (betas 0.8/0.99, eps 1e-06, weight decay 0.01), xavier init"},
	} {
		args := append([]string{"train", "specs/lenet-bn.toml", "--data", "embedded", "--epochs", "1", "--train-limit", "64", "--test-limit", "64",
			"--optimizer", "adamw", "--lr", "1e-3", "--out", filepath.Join(t.TempDir(), "run")}, c.extra...)
		out, errOut, code := netc(t, args...)
		if code != 0 || !strings.Contains(out, c.want) {
			t.Errorf("%v: exit %d, want %q in:\n%s%s", c.extra, code, c.want, out, errOut)
		}
	}
}
