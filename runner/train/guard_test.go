package train

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/netc/netc/runner"
)

// TestLastBatchOfOneIsDropped: 65 images at batch 64 leave a last batch of one sample,
// which LeNet-BN's batchnorm after a linear layer cannot normalize (PyTorch raises
// "Expected more than 1 value per channel"). The epoch leaves it out, as drop_last does,
// instead of panicking; a resumed run does the same.
func TestLastBatchOfOneIsDropped(t *testing.T) {
	dir := t.TempDir()
	c := lenetConfig(t, dir)
	c.Epochs, c.TrainLimit, c.TestLimit = 1, 65, 64
	r, err := newRun(c, nil)
	if err != nil {
		t.Fatal(err)
	}
	if r.DroppedImages() != 1 || r.trainL.NumBatches() != 1 {
		t.Errorf("dropped %d images in %d batches, want 1 image and 1 batch", r.DroppedImages(), r.trainL.NumBatches())
	}
	if err := r.Train(context.Background()); err != nil {
		t.Fatal(err)
	}
	// 66 images leave a last batch of two, which is kept.
	c = lenetConfig(t, t.TempDir())
	c.TrainLimit = 66
	r, err = newRun(c, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if r.DroppedImages() != 0 || r.trainL.NumBatches() != 2 {
		t.Errorf("66 images: dropped %d in %d batches, want 0 and 2", r.DroppedImages(), r.trainL.NumBatches())
	}
}

// TestBatchOfOneIsRefusedUpFront: --batch 1 with a batchnorm that sees one value per
// channel is refused before anything is loaded or written, naming the layer.
func TestBatchOfOneIsRefusedUpFront(t *testing.T) {
	out := filepath.Join(t.TempDir(), "run")
	c := lenetConfig(t, out)
	c.Batch = 1
	_, err := newRun(c, nil)
	var small *runner.BatchTooSmallError
	if !errors.As(err, &small) || small.Min != 2 || small.Layer != "batchnorm3" {
		t.Fatalf("got %v, want a BatchTooSmallError naming batchnorm3 (the first after a linear layer)", err)
	}
	if _, err := os.Stat(out); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a refused run created its directory: %v", err)
	}
	// One training image is no batch either.
	c = lenetConfig(t, out)
	c.TrainLimit = 1
	if _, err := newRun(c, nil); err == nil || !strings.Contains(err.Error(), "1 training image") {
		t.Errorf("--train-limit 1: got %v", err)
	}
}

// TestRunBeyondMemoryIsRefused: with 1 MiB available, training LeNet-BN at batch 64 (its
// training arena alone is several MiB) is refused with the size, before allocating.
func TestRunBeyondMemoryIsRefused(t *testing.T) {
	t.Setenv(runner.MemoryLimitEnv, "1M")
	out := filepath.Join(t.TempDir(), "run")
	_, err := newRun(lenetConfig(t, out), nil)
	var mem *runner.MemoryError
	if !errors.As(err, &mem) || mem.Available != 1<<20 || mem.Need <= mem.Available {
		t.Fatalf("got %v, want a MemoryError against 1 MiB", err)
	}
	if _, err := os.Stat(out); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a refused run created its directory: %v", err)
	}
}

// TestZeroImagesAreRefused: a data directory whose test split (or training split) is
// empty does not "train" and succeed.
func TestZeroImagesAreRefused(t *testing.T) {
	for _, tc := range []struct {
		train, test int
		want        string
	}{{100, 0, "no test images"}, {0, 100, "no training images"}} {
		c := lenetConfig(t, filepath.Join(t.TempDir(), "run"))
		c.DataDir = writeIDXDir(t, tc.train, tc.test)
		if _, err := newRun(c, nil); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%d train / %d test images: got %v, want %q", tc.train, tc.test, err, tc.want)
		}
	}
}

// TestDisableTypoBeforeData: a misspelt --disable is reported before the data is read
// (here there is no data at all, so the old order reported the data instead).
func TestDisableTypoBeforeData(t *testing.T) {
	c := lenetConfig(t, filepath.Join(t.TempDir(), "run"))
	c.DataDir = filepath.Join(t.TempDir(), "no-such-data")
	c.Disable = []string{"fuse-activaton"}
	_, err := newRun(c, nil)
	if err == nil || !strings.Contains(err.Error(), `no pass "fuse-activaton"`) {
		t.Errorf("got %v, want the unknown pass named", err)
	}
}

// TestNonFiniteRecipeIsRefused: a NaN or infinite learning rate, momentum or weight
// decay never starts a run.
func TestNonFiniteRecipeIsRefused(t *testing.T) {
	inf := 1 / zero()
	for _, edit := range []func(*Config){
		func(c *Config) { c.LR = inf - inf },
		func(c *Config) { c.LR = inf },
		func(c *Config) { c.Momentum = inf - inf },
		func(c *Config) { c.WeightDecay = inf },
	} {
		c := lenetConfig(t, filepath.Join(t.TempDir(), "run"))
		edit(&c)
		if _, err := newRun(c, nil); err == nil {
			t.Errorf("accepted %+v", c.Recipe)
		}
	}
}

func zero() float64 { return 0 }

// TestAdamWMemoryCountsItsSecondMoment: AdamW's memory estimate exceeds SGD's by one
// float32 per trainable value, LeNet-BN's 44,878 (d2l's count: convolutions 156 + 2,416,
// linears 30,840 + 10,164 + 850, batchnorm scales and shifts 12 + 32 + 240 + 168).
func TestAdamWMemoryCountsItsSecondMoment(t *testing.T) {
	t.Setenv(runner.MemoryLimitEnv, "1M")
	need := func(optimizer string) int64 {
		c := lenetConfig(t, filepath.Join(t.TempDir(), "run"))
		c.Optimizer = optimizer
		_, err := newRun(c, nil)
		var mem *runner.MemoryError
		if !errors.As(err, &mem) {
			t.Fatalf("%s: got %v, want a MemoryError", optimizer, err)
		}
		return mem.Need
	}
	if d := need(runner.OptAdamW) - need(runner.OptSGD); d != 4*44878 {
		t.Errorf("AdamW needs %d bytes more than SGD, want %d", d, 4*44878)
	}
}
