package train

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"
)

// TestTrainsFromAnInMemorySpec: a run needs the compiled graph and the spec's source,
// never the spec file. The path names a file that does not exist; the run trains,
// keeps the source in its directory, and resumes from there.
func TestTrainsFromAnInMemorySpec(t *testing.T) {
	cfg := lenetConfig(t, filepath.Join(t.TempDir(), "run"))
	cfg.Spec = filepath.Join(t.TempDir(), "nowhere", "lenet-bn.toml")
	if _, err := os.Stat(cfg.Spec); err == nil {
		t.Fatal("the spec path exists")
	}
	cfg.Epochs, cfg.TrainLimit, cfg.TestLimit = 1, 256, 128
	r, err := newRun(cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Train(context.Background()); err != nil {
		t.Fatal(err)
	}
	kept, err := os.ReadFile(filepath.Join(r.Cfg.Out, SpecFile))
	if err != nil || !bytes.Equal(kept, cfg.SpecSource) {
		t.Fatalf("the run directory keeps %q (%v), not the source it was given", kept, err)
	}
	r2, err := Resume(r.Cfg.Out, 2, compileSpec, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := r2.Train(context.Background()); err != nil {
		t.Fatal(err)
	}
}
