package train

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/netc/netc/internal/data"
	"github.com/netc/netc/internal/data/datatest"
)

// TestDefaultDataIsTheBooksLoader: without [data] or data flags, the loaders get exactly
// the settings they had before there was a [data] table (no augmentation, no
// normalization, one worker), so Fashion-MNIST runs are unchanged.
func TestDefaultDataIsTheBooksLoader(t *testing.T) {
	cfg := lenetConfig(t, t.TempDir())
	r, err := newRun(cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	o := r.Cfg.Data
	if !reflect.DeepEqual(o, DataOptions{}) || r.Cfg.DataDir != Embedded {
		t.Fatalf("default data options %+v, dir %q", o, r.Cfg.DataDir)
	}
	want := data.LoaderConfig{Height: 28, Width: 28, BatchSize: 64, Shuffle: true, Seed: 0, Limit: 100}
	if got := o.TrainLoader(28, 28, 64, 0, 100); !reflect.DeepEqual(got, want) {
		t.Errorf("train loader %+v, want %+v", got, want)
	}
	if got := o.TestLoader(28, 28, 64, 0); !reflect.DeepEqual(got, data.LoaderConfig{Height: 28, Width: 28, BatchSize: 64}) {
		t.Errorf("test loader %+v", got)
	}
}

// tinyRGB is a small 3-channel network for 32×32 images and 10 classes, with a [data]
// table that names a directory relative to the spec file.
const tinyRGB = `name = "tiny-rgb"
input = { channels = 3, height = 32, width = 32 }
classes = 10
layers = [
  { op = "conv", out = 8, k = 3, pad = 1 }, { op = "batchnorm", act = "relu" },
  { op = "maxpool", k = 2, stride = 2 },
  { op = "conv", out = 16, k = 3, pad = 1 }, { op = "batchnorm", act = "relu" },
  { op = "maxpool", k = 4, stride = 4 },
  { op = "flatten" }, { op = "linear", out = "classes" },
]
[train]
lr = 0.05
epochs = 2
batch = 32
`

// writeSpec writes src as dir/spec.toml and returns a Config for it.
func writeSpec(t *testing.T, dir, src string) Config {
	t.Helper()
	path := filepath.Join(dir, "spec.toml")
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	return Config{Spec: path, SpecSource: []byte(src), Out: filepath.Join(dir, "run")}
}

func subset(t *testing.T) *data.Dataset {
	t.Helper()
	ds, err := data.LoadEmbedded()
	if err != nil {
		t.Fatal(err)
	}
	return ds
}

// TestTrainOnCIFARFile trains the way `netc train` does (New, then Train) on a CIFAR-format
// directory made from real images, named by the spec's [data] table with augmentation and
// a normalization measured on the training set. run.json keeps the measured values, which
// must be the pixel statistics computed here independently; an interrupted run resumed
// from its checkpoint must end with the same weights as an uninterrupted one.
func TestTrainOnCIFARFile(t *testing.T) {
	root := t.TempDir()
	ds := subset(t)
	if err := os.Mkdir(filepath.Join(root, "cifar"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := datatest.WriteCIFAR(filepath.Join(root, "cifar"), ds, 256, 64); err != nil {
		t.Fatal(err)
	}
	spec := tinyRGB + `
[data]
format = "cifar10"
dir = "cifar"
normalize = "measure"
[data.augment]
crop_padding = 4
hflip = 0.5
resized_crop = { scale = [0.5, 1.0] }
`
	cfg := writeSpec(t, root, spec)
	r, err := newRun(cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	if r.TrainImages() != 256 || r.TestImages() != 64 || !strings.HasPrefix(r.Data.Source, "CIFAR-format data from "+filepath.Join(root, "cifar")) {
		t.Fatalf("%d / %d images from %s", r.TrainImages(), r.TestImages(), r.Data.Source)
	}
	if err := r.Train(context.Background()); err != nil {
		t.Fatal(err)
	}
	h := r.History
	if len(h) != 2 || math.IsNaN(h[1].Loss) || h[1].Loss >= h[0].Loss {
		t.Errorf("loss did not fall: %+v", h)
	}
	// The measured normalization, recomputed from the records written.
	var saved Config
	raw, _ := os.ReadFile(filepath.Join(cfg.Out, RunFile))
	if err := json.Unmarshal(raw, &saved); err != nil {
		t.Fatal(err)
	}
	for c := range 3 {
		var sum, sq float64
		for i := range 256 {
			for _, v := range datatest.CIFARPixels(ds.Train.Image(i))[c*1024 : (c+1)*1024] {
				x := float64(v) / 255
				sum += x
				sq += x * x
			}
		}
		mean := sum / (256 * 1024)
		std := math.Sqrt(sq/(256*1024) - mean*mean)
		if len(saved.Data.Mean) != 3 || math.Abs(saved.Data.Mean[c]-mean) > 1e-12 || math.Abs(saved.Data.Std[c]-std) > 1e-9 {
			t.Fatalf("run.json normalization %v %v; channel %d has mean %v std %v", saved.Data.Mean, saved.Data.Std, c, mean, std)
		}
	}
	if a := saved.Data.Augment; !a.ResizedCrop || a.Scale != [2]float64{0.5, 1} || a.Ratio != data.DefaultRatio || a.CropPadding != 4 || a.HFlip != 0.5 {
		t.Errorf("run.json augmentation %+v", a)
	}
	// Interrupted in epoch 2 and resumed: the same final weights.
	dir2 := t.TempDir()
	cfg2 := writeSpec(t, dir2, strings.Replace(spec, `dir = "cifar"`, `dir = "`+filepath.Join(root, "cifar")+`"`, 1))
	ctx, cancel := context.WithCancel(context.Background())
	r2, err := newRun(cfg2, &stopAfter{epoch: 2, step: 3, cancel: cancel})
	if err != nil {
		t.Fatal(err)
	}
	if err := r2.Train(ctx); !errors.Is(err, ErrInterrupted) {
		t.Fatalf("got %v, want ErrInterrupted", err)
	}
	r3, err := Resume(cfg2.Out, 0, compileSpec, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := r3.Train(context.Background()); err != nil {
		t.Fatal(err)
	}
	a, _ := os.ReadFile(filepath.Join(cfg.Out, LastFile))
	b, _ := os.ReadFile(filepath.Join(cfg2.Out, LastFile))
	if len(a) == 0 || !bytes.Equal(a, b) {
		t.Error("the resumed augmented run's final weights differ from the uninterrupted run's")
	}
	// One test pixel changed in the CIFAR files: resuming refuses the data.
	test := filepath.Join(root, "cifar", "test_batch.bin")
	raw, err = os.ReadFile(test)
	if err != nil {
		t.Fatal(err)
	}
	raw[100]++
	if err := os.WriteFile(test, raw, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Resume(cfg2.Out, 3, compileSpec, nil); err == nil || !strings.Contains(err.Error(), "not what the run trained on") {
		t.Errorf("changed CIFAR pixel: got %v", err)
	}
}

// TestTrainOnImageFolder trains LeNet-BN a few steps on an image-folder tree of real
// images (gray and RGBA PNGs) with a seeded hold-out, given as flags would give it, and
// with a spec whose class count does not match the folders.
func TestTrainOnImageFolder(t *testing.T) {
	root := t.TempDir()
	if err := datatest.WriteFolder(root, subset(t), 300, 0); err != nil {
		t.Fatal(err)
	}
	cfg := lenetConfig(t, filepath.Join(t.TempDir(), "run"))
	cfg.DataDir, cfg.Epochs, cfg.Batch = root, 1, 32
	cfg.Data = DataOptions{Format: data.FormatFolder, ValSplit: 0.2, Augment: data.Augment{HFlip: 0.5}, Workers: 2}
	r, err := newRun(cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	if r.TrainImages() != 240 || r.TestImages() != 60 || len(r.Data.ClassList()) != 10 || r.Data.ClassList()[0] != "Ankle boot" {
		t.Fatalf("%d / %d images, classes %q", r.TrainImages(), r.TestImages(), r.Data.ClassList())
	}
	if err := r.Train(context.Background()); err != nil {
		t.Fatal(err)
	}
	if l := r.History[0].Loss; math.IsNaN(l) || l <= 0 {
		t.Errorf("loss %v", l)
	}
	bad := writeSpec(t, t.TempDir(), strings.Replace(tinyRGB, "classes = 10", "classes = 7", 1))
	bad.DataDir, bad.Data = root, DataOptions{Format: data.FormatFolder, ValSplit: 0.2}
	if _, err := newRun(bad, nil); err == nil || !strings.Contains(err.Error(), "the data has 10 classes (Ankle boot, Bag, Coat, Dress, Pullover, ...) but tiny-rgb has classes = 7") {
		t.Errorf("error %v", err)
	}
}
