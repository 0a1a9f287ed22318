package train

import (
	"bytes"
	"context"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/netc/netc/compiler"
	"github.com/netc/netc/runner"
	"github.com/netc/netc/tensorio"
)

// TestRecipeResumeGivesTheSameRun interrupts AdamW with one-cycle (which moves the rate
// and beta1 every step), label smoothing and clipping in the middle of an epoch; the
// resumed run must end with the same bytes of weights as the uninterrupted one, which
// needs the moments, the step count and the schedule's position all restored.
func TestRecipeResumeGivesTheSameRun(t *testing.T) {
	small := func(dir string) Config {
		c := lenetConfig(t, dir)
		c.Epochs, c.TrainLimit, c.TestLimit, c.LR = 2, 512, 128, 0.01
		c.Optimizer, c.LabelSmoothing, c.ClipGradNorm, c.WeightDecay = runner.OptAdamW, 0.1, 1, 0.01
		c.Schedule = &runner.Schedule{Type: runner.SchedOneCycle}
		return c
	}
	whole := t.TempDir()
	ref, err := newRun(small(whole), nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := ref.Train(context.Background()); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	r, err := newRun(small(dir), &stopAfter{epoch: 1, step: 3, cancel: cancel})
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Train(ctx); !errors.Is(err, ErrInterrupted) {
		t.Fatalf("got %v, want ErrInterrupted", err)
	}
	_, meta, err := tensorio.ReadFile(filepath.Join(dir, CheckpointFile))
	if err != nil || meta["optimizer_step"] != "4" {
		t.Fatalf("checkpoint after 4 steps records AdamW step %q (%v)", meta["optimizer_step"], err)
	}
	r2, err := Resume(dir, 0, compileSpec, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := r2.Train(context.Background()); err != nil {
		t.Fatal(err)
	}
	a, _ := os.ReadFile(filepath.Join(whole, LastFile))
	b, _ := os.ReadFile(filepath.Join(dir, LastFile))
	if !bytes.Equal(a, b) {
		t.Error("final weights differ from the uninterrupted run's")
	}
	if got, want := r2.History[1].LR, ref.History[1].LR; got != want {
		t.Errorf("epoch 2 lr %g, uninterrupted %g", got, want)
	}
}

// TestMetricsRecordTheLearningRate: StepLR(step_size=1, gamma=0.5) from lr 0.2 gives
// 0.2, 0.1, 0.05 over three epochs (by hand), in metrics.csv's lr column.
func TestMetricsRecordTheLearningRate(t *testing.T) {
	dir := t.TempDir()
	c := lenetConfig(t, dir)
	c.Epochs, c.TrainLimit, c.TestLimit, c.LR = 3, 128, 64, 0.2
	c.Schedule = &runner.Schedule{Type: runner.SchedStep, StepSize: 1, Gamma: 0.5}
	r, err := newRun(c, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Train(context.Background()); err != nil {
		t.Fatal(err)
	}
	raw, _ := os.ReadFile(filepath.Join(dir, MetricsFile))
	lines := strings.Split(strings.TrimSpace(string(raw)), "\n")
	if lines[0] != "epoch,loss,train_acc,test_acc,images_per_sec,seconds,lr" {
		t.Errorf("header %q", lines[0])
	}
	for i, want := range []string{"0.2", "0.1", "0.05"} {
		if f := strings.Split(lines[i+1], ","); f[len(f)-1] != want {
			t.Errorf("epoch %d: lr %q, want %s", i+1, f[len(f)-1], want)
		}
	}
}

// TestRecipeFromSpec: SpecRecipe takes the [train] keys of the optimizer, schedule and
// loss, and a run refuses a combination PyTorch refuses (Nesterov without momentum).
func TestRecipeFromSpec(t *testing.T) {
	src, err := os.ReadFile("../../specs/lenet-bn.toml")
	if err != nil {
		t.Fatal(err)
	}
	spec := bytes.Replace(src, []byte("[train]\n"), []byte(`[train]
momentum = 0.9
nesterov = true
weight_decay = 5e-4
label_smoothing = 0.1
clip_grad_norm = 2.0
schedule = { type = "multistep", milestones = [1, 2] }
`), 1)
	g, err := compiler.CheckSource("lenet-bn.toml", spec, compiler.Options{})
	if err != nil {
		t.Fatal(err)
	}
	c := Config{Spec: "lenet-bn.toml", SpecSource: spec, DataDir: Embedded, Out: t.TempDir(), TrainLimit: 64, TestLimit: 64,
		Recipe: SpecRecipe(g.Train)}
	c.Epochs = 3
	if c.Optimizer != runner.OptSGD || !c.Nesterov || c.Momentum != 0.9 || c.WeightDecay != 5e-4 || c.LabelSmoothing != 0.1 ||
		c.ClipGradNorm != 2 || c.Schedule == nil || c.Schedule.Type != runner.SchedMultiStep || len(c.Schedule.Milestones) != 2 {
		t.Errorf("recipe from the spec: %+v, schedule %+v", c.Optim, c.Schedule)
	}
	if s := c.OptimizerSummary(); s != "SGD (Nesterov momentum 0.9, weight decay 0.0005), multistep schedule, label smoothing 0.1, gradients clipped to norm 2" {
		t.Errorf("summary %q", s)
	}
	r, err := newRun(c, nil)
	if err != nil {
		t.Fatal(err)
	}
	r.Close()
	c.Out, c.Momentum = t.TempDir(), 0
	if _, err := newRun(c, nil); err == nil || !strings.Contains(err.Error(), "Nesterov") {
		t.Errorf("Nesterov without momentum: got %v", err)
	}
	c.Out, c.Momentum, c.Optimizer = t.TempDir(), 0.9, runner.OptAdamW
	if _, err := newRun(c, nil); err == nil || !strings.Contains(err.Error(), "Nesterov") {
		t.Errorf("AdamW with nesterov: got %v", err)
	}
}

// TestInitFromAndFreezeInARun: a run started from another run's weights with the first
// conv frozen reports what it loaded, keeps the frozen weights bit for bit through
// training and a resume, and refuses a prefix that names nothing.
func TestInitFromAndFreezeInARun(t *testing.T) {
	first := lenetConfig(t, t.TempDir())
	first.Epochs, first.TrainLimit, first.TestLimit = 1, 256, 64
	r, err := newRun(first, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Train(context.Background()); err != nil {
		t.Fatal(err)
	}
	weights := filepath.Join(first.Out, LastFile)
	trained, _, err := tensorio.ReadFile(weights)
	if err != nil {
		t.Fatal(err)
	}

	c := lenetConfig(t, t.TempDir())
	c.Epochs, c.TrainLimit, c.TestLimit, c.Seed, c.Momentum = 2, 256, 64, 7, 0.9
	c.InitFrom, c.Freeze = weights, []string{"conv1"}
	ctx, cancel := context.WithCancel(context.Background())
	r, err = newRun(c, &stopAfter{epoch: 1, step: 1, cancel: cancel})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Init.Loaded) != len(trained) || len(r.Frozen) != 2 {
		t.Errorf("loaded %d of %d tensors, froze %v", len(r.Init.Loaded), len(trained), r.Frozen)
	}
	if err := r.Train(ctx); !errors.Is(err, ErrInterrupted) {
		t.Fatal(err)
	}
	r2, err := Resume(c.Out, 0, compileSpec, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := r2.Train(context.Background()); err != nil {
		t.Fatal(err)
	}
	final, _, err := tensorio.ReadFile(filepath.Join(c.Out, LastFile))
	if err != nil {
		t.Fatal(err)
	}
	for i, tt := range final {
		same, frozen := tensorEqual(tt, trained[i]), strings.HasPrefix(tt.Name, "conv1.")
		switch {
		case frozen && !same:
			t.Errorf("frozen %s changed", tt.Name)
		case !frozen && same:
			t.Errorf("%s did not train", tt.Name)
		}
	}

	c.Out, c.Freeze = t.TempDir(), []string{"stem"}
	if _, err := newRun(c, nil); err == nil || !strings.Contains(err.Error(), `"stem" matches no trainable parameter`) {
		t.Errorf("--freeze stem on LeNet: got %v", err)
	}
}

func tensorEqual(a, b tensorio.Tensor) bool {
	if a.Name != b.Name || len(a.Data) != len(b.Data) {
		return false
	}
	for i := range a.Data {
		if math.Float32bits(a.Data[i]) != math.Float32bits(b.Data[i]) {
			return false
		}
	}
	return true
}

// TestResumeRefusesToStretchTheSchedule: a cosine schedule spans the planned epochs, so
// --resume --epochs with another count is refused; a step schedule can be extended.
func TestResumeRefusesToStretchTheSchedule(t *testing.T) {
	for _, c := range []struct {
		s  runner.Schedule
		ok bool
	}{{runner.Schedule{Type: runner.SchedCosine}, false}, {runner.Schedule{Type: runner.SchedStep, StepSize: 1}, true}} {
		dir := t.TempDir()
		cfg := lenetConfig(t, dir)
		cfg.Epochs, cfg.TrainLimit, cfg.TestLimit, cfg.Schedule = 1, 64, 64, &c.s
		r, err := newRun(cfg, nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := r.Train(context.Background()); err != nil {
			t.Fatal(err)
		}
		r2, err := Resume(dir, 2, compileSpec, nil)
		if (err == nil) != c.ok || (err != nil && !strings.Contains(err.Error(), "spans the run's 1 epochs")) {
			t.Errorf("%s: resume with 2 epochs: %v", c.s.Type, err)
		}
		if err == nil {
			r2.Close()
		}
		r3, err := Resume(dir, 1, compileSpec, nil)
		if err != nil {
			t.Errorf("%s: resume with the same epochs: %v", c.s.Type, err)
		} else {
			r3.Close()
		}
	}
}
