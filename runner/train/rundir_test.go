package train

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestRunDirectoryIsLocked: while a run holds its directory, neither a second new run
// nor a resume can use it; once the first has trained, the lock is free again.
func TestRunDirectoryIsLocked(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "run")
	c := lenetConfig(t, dir)
	c.Epochs, c.TrainLimit, c.TestLimit = 1, 128, 64
	r, err := newRun(c, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := newRun(c, nil); err == nil {
		t.Error("a second run started in a directory another run holds")
	}
	if err := r.Train(context.Background()); err != nil {
		t.Fatal(err)
	}
	r2, err := Resume(dir, 2, compileSpec, nil)
	if err != nil {
		t.Fatalf("resume after the first run finished: %v", err)
	}
	if _, err := Resume(dir, 2, compileSpec, nil); err == nil || !strings.Contains(err.Error(), "in use") {
		t.Errorf("a second resume of a held directory: got %v", err)
	}
	r2.Close()
}

// TestDefaultRunNamesAreUnique: runs started in the same second get their own directories.
func TestDefaultRunNamesAreUnique(t *testing.T) {
	base := lenetConfig(t, "")
	t.Chdir(t.TempDir())
	seen := map[string]bool{}
	for range 3 {
		c := base
		r, err := newRun(c, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
		if seen[r.Cfg.Out] || !strings.HasPrefix(r.Cfg.Out, filepath.Join(DefaultRunsDir, "lenet-bn-")) {
			t.Errorf("run directory %q (earlier: %v)", r.Cfg.Out, seen)
		}
		seen[r.Cfg.Out] = true
	}
}

// TestOutNeverOverwritesUserFiles: --out into a directory holding a user's files is
// refused and the files stay as they were; an empty existing directory is fine.
func TestOutNeverOverwritesUserFiles(t *testing.T) {
	dir := t.TempDir()
	mine := filepath.Join(dir, MetricsFile)
	os.WriteFile(mine, []byte("my numbers\n"), 0o644)
	_, err := newRun(lenetConfig(t, dir), nil)
	if err == nil || !strings.Contains(err.Error(), "not empty") {
		t.Errorf("got %v, want a refusal of a non-empty directory", err)
	}
	if b, _ := os.ReadFile(mine); string(b) != "my numbers\n" {
		t.Errorf("the user's %s now holds %q", MetricsFile, b)
	}
	if _, err := os.Stat(filepath.Join(dir, SpecFile)); err == nil {
		t.Errorf("a refused run wrote %s", SpecFile)
	}
	r, err := newRun(lenetConfig(t, t.TempDir()), nil)
	if err != nil {
		t.Fatalf("an empty existing directory: %v", err)
	}
	r.Close()
}

// TestInterruptBeforeTrainingWritesNothing: a signal while the data loads (the context is
// cancelled before the run directory exists) ends the run without creating it.
func TestInterruptBeforeTrainingWritesNothing(t *testing.T) {
	out := filepath.Join(t.TempDir(), "run")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := newRunContext(ctx, lenetConfig(t, out), nil); !errors.Is(err, ErrInterrupted) {
		t.Fatalf("got %v, want ErrInterrupted", err)
	}
	if _, err := os.Stat(out); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the interrupted run left %s: %v", out, err)
	}
}

// TestResumeRemovesStaleTemporaryFiles: a write that a crash interrupted leaves a
// .NAME.tmp-* file; resuming the run removes it and keeps every real file.
func TestResumeRemovesStaleTemporaryFiles(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "run")
	c := lenetConfig(t, dir)
	c.Epochs, c.TrainLimit, c.TestLimit = 1, 128, 64
	r, err := newRun(c, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Train(context.Background()); err != nil {
		t.Fatal(err)
	}
	stale := filepath.Join(dir, "."+CheckpointFile+".tmp-12345")
	os.WriteFile(stale, []byte("half a checkpoint"), 0o644)
	r2, err := Resume(dir, 1, compileSpec, nil)
	if err != nil {
		t.Fatal(err)
	}
	r2.Close()
	if _, err := os.Stat(stale); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("%s is still there: %v", stale, err)
	}
	for _, f := range []string{CheckpointFile, LastFile, BestFile, MetricsFile, SpecFile, RunFile} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Errorf("%s: %v", f, err)
		}
	}
}
