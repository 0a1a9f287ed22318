package train

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/netc/netc/runner"
	"github.com/netc/netc/tensorio"
)

// trainOneEpoch makes a finished one-epoch run in a new directory and returns it.
func trainOneEpoch(t *testing.T, edit func(*Config)) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "run")
	c := lenetConfig(t, dir)
	c.Epochs, c.TrainLimit, c.TestLimit = 1, 128, 64
	if edit != nil {
		edit(&c)
	}
	r, err := newRun(c, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Train(context.Background()); err != nil {
		t.Fatal(err)
	}
	return dir
}

// copyRun copies a finished run directory (its files, not the lock) to a new one, so
// that each case of a test edits its own copy of one trained run.
func copyRun(t *testing.T, dir string) string {
	t.Helper()
	dst := filepath.Join(t.TempDir(), "run")
	if err := os.Mkdir(dst, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{CheckpointFile, LastFile, BestFile, MetricsFile, CurvesFile, SpecFile, RunFile} {
		b, err := os.ReadFile(filepath.Join(dir, f))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dst, f), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dst
}

// editFile replaces old with new in path once, failing when old is not there.
func editFile(t *testing.T, path, old, new string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), old) {
		t.Fatalf("%s lacks %q", path, old)
	}
	if err := os.WriteFile(path, []byte(strings.Replace(string(b), old, new, 1)), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestResumeRefusesAnEditedRunJSON: run.json values the checkpoint was not trained with,
// or that no run can use, are refused with the field named.
func TestResumeRefusesAnEditedRunJSON(t *testing.T) {
	trained := trainOneEpoch(t, nil)
	for _, tc := range []struct{ old, new, want string }{
		{`"LR": 0.1`, `"LR": 1000`, "LR is 1000 in run.json, 0.1 in the checkpoint"},
		{`"LR": 0.1`, `"LR": 0.2`, "LR is 0.2 in run.json, 0.1 in the checkpoint"},
		{`"Momentum": 0,`, `"Momentum": 5,`, "momentum is 5"},
		{`"Batch": 64`, `"Batch": 32`, "Batch is 32 in run.json, 64 in the checkpoint"},
		{`"Seed": 0`, `"Seed": 3`, "Seed is 3 in run.json, 0 in the checkpoint"},
		{`"TrainLimit": 128`, `"TrainLimit": 0`, "TrainLimit is 0 in run.json, 128 in the checkpoint"},
		{`"Dir": "embedded"`, `"Dir": "/tmp"`, "DataUsed.Dir is \"/tmp\" in run.json"},
		{`"HFlip": 0`, `"HFlip": 0.5`, "Data.Augment is"},
	} {
		dir := copyRun(t, trained)
		editFile(t, filepath.Join(dir, RunFile), tc.old, tc.new)
		_, err := Resume(dir, 2, compileSpec, nil)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("run.json %s -> %s: got %v, want %q", tc.old, tc.new, err, tc.want)
		}
	}
}

// rewriteCheckpoint changes a checkpoint's tensors or metadata in place.
func rewriteCheckpoint(t *testing.T, path string, edit func([]tensorio.Tensor, map[string]string) []tensorio.Tensor) {
	t.Helper()
	ts, meta, err := tensorio.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := tensorio.WriteFile(path, edit(ts, meta), meta); err != nil {
		t.Fatal(err)
	}
}

// TestResumeRefusesABrokenCheckpoint: a checkpoint without its momentum buffers (the run
// would continue differently), or with a negative or unreadable position, is refused.
func TestResumeRefusesABrokenCheckpoint(t *testing.T) {
	trained := trainOneEpoch(t, func(c *Config) { c.Momentum = 0.9 })
	for _, tc := range []struct {
		name string
		edit func([]tensorio.Tensor, map[string]string) []tensorio.Tensor
		want string
	}{
		{"momentum removed", func(ts []tensorio.Tensor, _ map[string]string) []tensorio.Tensor {
			var kept []tensorio.Tensor
			for _, x := range ts {
				if !strings.HasPrefix(x.Name, "optimizer.momentum.") {
					kept = append(kept, x)
				}
			}
			return kept
		}, "no momentum buffer optimizer.momentum."},
		{"epoch -5", func(ts []tensorio.Tensor, m map[string]string) []tensorio.Tensor { m["epoch"] = "-5"; return ts }, `epoch "-5"`},
		{"batch -1", func(ts []tensorio.Tensor, m map[string]string) []tensorio.Tensor { m["batch"] = "-1"; return ts }, `batch "-1"`},
		{"batch beyond the epoch", func(ts []tensorio.Tensor, m map[string]string) []tensorio.Tensor { m["batch"] = "99"; return ts }, "batch 99 of an epoch of 2 batches"},
		{"loss nan", func(ts []tensorio.Tensor, m map[string]string) []tensorio.Tensor {
			m["partial_loss"] = "NaN"
			return ts
		}, `partial_loss "NaN"`},
		{"recipe edited", func(ts []tensorio.Tensor, m map[string]string) []tensorio.Tensor {
			m["run"] = strings.Replace(m["run"], `"LR":0.1`, `"LR":1000`, 1)
			return ts
		}, "does not match its hash"},
	} {
		dir := copyRun(t, trained)
		rewriteCheckpoint(t, filepath.Join(dir, CheckpointFile), tc.edit)
		_, err := Resume(dir, 2, compileSpec, nil)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: got %v, want %q", tc.name, err, tc.want)
		}
	}
}

// TestResumeReadsTheRecordedData: a run found its data through $NETC_DATA; resuming with
// $NETC_DATA pointing elsewhere still reads the recorded directory, and data changed in
// that directory is refused.
func TestResumeReadsTheRecordedData(t *testing.T) {
	first, other := writeIDXDir(t, 300, 100), writeIDXDir(t, 200, 100)
	t.Setenv("NETC_DATA", first)
	dir := trainOneEpoch(t, func(c *Config) { c.DataDir, c.TrainLimit = "", 0 })
	t.Setenv("NETC_DATA", other)
	r, err := Resume(dir, 2, compileSpec, nil)
	if err != nil {
		t.Fatal(err)
	}
	r.Close()
	if r.Data.Dir != first || r.TrainImages() != 300 {
		t.Errorf("resumed on %s with %d training images, want the recorded %s with 300", r.Data.Dir, r.TrainImages(), first)
	}
	// The same directory with other contents.
	replacement := writeIDXDir(t, 299, 100)
	for _, f := range []string{"train-images-idx3-ubyte", "train-labels-idx1-ubyte"} {
		b, _ := os.ReadFile(filepath.Join(replacement, f))
		os.WriteFile(filepath.Join(first, f), b, 0o644)
	}
	if _, err := Resume(dir, 2, compileSpec, nil); err == nil || !strings.Contains(err.Error(), "not what the run trained on") {
		t.Errorf("changed data: got %v", err)
	}
}

// TestResumeRefusesAnAdamWCheckpointWithoutMoments: an AdamW run's checkpoint missing
// either moment of a parameter, or its step count, would continue with other updates
// (PyTorch's AdamW keeps all three per parameter), so resuming refuses it.
func TestResumeRefusesAnAdamWCheckpointWithoutMoments(t *testing.T) {
	trained := trainOneEpoch(t, func(c *Config) { c.Optimizer, c.LR = runner.OptAdamW, 0.001 })
	without := func(prefix string) func([]tensorio.Tensor, map[string]string) []tensorio.Tensor {
		return func(ts []tensorio.Tensor, _ map[string]string) []tensorio.Tensor {
			var kept []tensorio.Tensor
			dropped := false
			for _, x := range ts {
				if !dropped && strings.HasPrefix(x.Name, prefix) {
					dropped = true
					continue
				}
				kept = append(kept, x)
			}
			return kept
		}
	}
	for _, tc := range []struct {
		name string
		edit func([]tensorio.Tensor, map[string]string) []tensorio.Tensor
		want string
	}{
		{"first moment removed", without("optimizer.exp_avg."), "AdamW moments for"},
		{"second moment removed", without("optimizer.exp_avg_sq."), "AdamW moments for"},
		{"step count removed", func(ts []tensorio.Tensor, m map[string]string) []tensorio.Tensor {
			delete(m, "optimizer_step")
			return ts
		}, "no AdamW step count"},
	} {
		dir := copyRun(t, trained)
		rewriteCheckpoint(t, filepath.Join(dir, CheckpointFile), tc.edit)
		_, err := Resume(dir, 2, compileSpec, nil)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: got %v, want %q", tc.name, err, tc.want)
		}
	}
	// The untouched copy resumes.
	r, err := Resume(copyRun(t, trained), 2, compileSpec, nil)
	if err != nil {
		t.Fatal(err)
	}
	r.Close()
}
