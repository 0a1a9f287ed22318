package train

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/netc/netc/compiler"
	"github.com/netc/netc/internal/data/datatest"
)

// TestResumeCIFARWithAdamWOneCycleExactly: both halves of the recipe at once — a CIFAR
// set with measured normalization and augmentation, trained with AdamW, a per-step
// one-cycle schedule, label smoothing and clipping — interrupted in its second epoch and
// resumed, ends with the uninterrupted run's weights and metrics byte for byte.
func TestResumeCIFARWithAdamWOneCycleExactly(t *testing.T) {
	root := t.TempDir()
	cifar := filepath.Join(root, "cifar")
	if err := os.Mkdir(cifar, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := datatest.WriteCIFAR(cifar, subset(t), 160, 48); err != nil {
		t.Fatal(err)
	}
	spec := tinyRGB[:len(tinyRGB)-len("lr = 0.05\nepochs = 2\nbatch = 32\n")] + `lr = 0.01
epochs = 2
batch = 32
optimizer = "adamw"
label_smoothing = 0.1
clip_grad_norm = 1.0
schedule = { type = "onecycle" }
[data]
format = "cifar10"
dir = "` + cifar + `"
normalize = "measure"
[data.augment]
crop_padding = 4
hflip = 0.5
`
	config := func() Config {
		c := writeSpec(t, t.TempDir(), spec)
		g, err := compiler.CheckSource(c.Spec, c.SpecSource, compiler.Options{})
		if err != nil {
			t.Fatal(err)
		}
		c.Recipe = SpecRecipe(g.Train)
		c.Data.Workers = 2
		return c
	}
	whole, err := newRun(config(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if whole.Cfg.Optimizer != "adamw" || whole.Cfg.Schedule == nil || len(whole.Cfg.Data.Mean) != 3 {
		t.Fatalf("recipe %+v, data %+v", whole.Cfg.Recipe, whole.Cfg.Data)
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
	if err := resumed.Train(context.Background()); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{LastFile, MetricsFile} {
		a, _ := os.ReadFile(filepath.Join(whole.Cfg.Out, f))
		b, _ := os.ReadFile(filepath.Join(part.Cfg.Out, f))
		if f == MetricsFile {
			a, b = dropTimings(a), dropTimings(b)
		}
		if len(a) == 0 || !bytes.Equal(a, b) {
			t.Errorf("%s of the resumed run differs from the uninterrupted run's", f)
			if f == MetricsFile {
				t.Logf("uninterrupted:\n%s\nresumed:\n%s", a, b)
			}
		}
	}
}

// dropTimings keeps metrics.csv's columns that do not depend on the machine's speed:
// everything but images_per_sec and seconds.
func dropTimings(csv []byte) []byte {
	var out []string
	for _, line := range strings.Split(strings.TrimSpace(string(csv)), "\n") {
		f := strings.Split(line, ",")
		if len(f) < 7 {
			return csv
		}
		out = append(out, strings.Join(append(f[:4:4], f[6:]...), ","))
	}
	return []byte(strings.Join(out, "\n"))
}
