package train

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/netc/netc/internal/data"
	"github.com/netc/netc/internal/data/datatest"
)

// TestResumeImageFolderExactly: an image-folder run with a seeded hold-out, a measured
// normalization, augmentation and two workers, interrupted in its second epoch and
// resumed, ends with the uninterrupted run's weights byte for byte; the resumed run reads
// the recorded directory with the recorded options. A class folder renamed afterwards
// (same images and labels, other class names) is refused by the fingerprint.
func TestResumeImageFolderExactly(t *testing.T) {
	root := t.TempDir()
	if err := datatest.WriteFolder(root, subset(t), 200, 0); err != nil {
		t.Fatal(err)
	}
	config := func() Config {
		c := lenetConfig(t, filepath.Join(t.TempDir(), "run"))
		c.DataDir, c.Batch = root, 32
		c.Data = DataOptions{Format: data.FormatFolder, ValSplit: 0.2, Normalize: "measure", Augment: data.Augment{HFlip: 0.5, CropPadding: 2}, Workers: 2}
		return c
	}
	whole, err := newRun(config(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := whole.Train(context.Background()); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	part, err := newRun(config(), &stopAfter{epoch: 2, step: 2, cancel: cancel})
	if err != nil {
		t.Fatal(err)
	}
	if err := part.Train(ctx); !errors.Is(err, ErrInterrupted) {
		t.Fatalf("got %v, want ErrInterrupted", err)
	}
	resumed, err := Resume(part.Cfg.Out, 0, compileSpec, nil)
	if err != nil {
		t.Fatal(err)
	}
	if resumed.Cfg.Data.Format != data.FormatFolder || len(resumed.Cfg.Data.Mean) != 1 || resumed.TrainImages() != 160 ||
		!strings.Contains(resumed.Data.Source, root) {
		t.Fatalf("resumed with %+v on %s, %d training images", resumed.Cfg.Data, resumed.Data.Source, resumed.TrainImages())
	}
	if err := resumed.Train(context.Background()); err != nil {
		t.Fatal(err)
	}
	a, _ := os.ReadFile(filepath.Join(whole.Cfg.Out, LastFile))
	b, _ := os.ReadFile(filepath.Join(part.Cfg.Out, LastFile))
	if len(a) == 0 || !bytes.Equal(a, b) {
		t.Error("the resumed image-folder run's final weights differ from the uninterrupted run's")
	}
	bag := datatest.FolderName(8)
	if err := os.Rename(filepath.Join(root, bag), filepath.Join(root, bag+"s")); err != nil {
		t.Fatal(err)
	}
	if _, err := Resume(whole.Cfg.Out, 3, compileSpec, nil); err == nil || !strings.Contains(err.Error(), "not what the run trained on") {
		t.Errorf("renamed class folder: got %v", err)
	}
}
