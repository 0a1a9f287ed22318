package runner

import (
	"math"
	"testing"

	"github.com/netc/netc/compiler"
	"github.com/netc/netc/compiler/plan"
	"github.com/netc/netc/internal/data"
)

// optimFixture is what PyTorch computed (tools/optim_trajectory_fixtures.py): LeNet-BN
// trained from netc's initial weights under each optimizer, schedule, label smoothing
// and clipping, one case each, on the same batches.
type optimFixture struct {
	Net           string `json:"net"`
	Input         string `json:"input"`
	Seed          uint64 `json:"seed"`
	WeightsSHA256 string `json:"weights_sha256"`
	Batch         int    `json:"batch"`
	StepsPerEpoch int    `json:"steps_per_epoch"`
	Epochs        int    `json:"epochs"`
	Indices       []int  `json:"indices"`
	Cases         []struct {
		Name           string          `json:"name"`
		Optimizer      OptimizerConfig `json:"optimizer"`
		Schedule       Schedule        `json:"schedule"`
		LabelSmoothing float64         `json:"label_smoothing"`
		ClipGradNorm   float64         `json:"clip_grad_norm"`
		Loss           []float64       `json:"loss"`         // float64 reference, one per step
		Torch32Loss    []float64       `json:"torch32_loss"` // PyTorch's own float32 run
		LR             []float64       `json:"lr"`           // the rate each step used
		Momentum       []float64       `json:"momentum"`     // SGD's momentum or AdamW's beta1 each step used
		GradNorm       []float64       `json:"grad_norm"`    // clip_grad_norm_'s result (float64 run)
	} `json:"cases"`
}

// TestOptimTrajectoryFollowsPyTorch trains as netc train does (schedule, then forward,
// smoothed loss, backward, clipping, optimizer step) and compares every step with
// PyTorch: the loss within the thresholds of TestTrajectoryFollowsPyTorch, the learning
// rate and momentum within 1e-12 relative (the closed forms against PyTorch's chained
// updates), and the gradient norm before clipping within the loss's threshold.
func TestOptimTrajectoryFollowsPyTorch(t *testing.T) {
	ds, err := data.LoadEmbedded()
	if err != nil {
		t.Fatal(err)
	}
	var f optimFixture
	readFixture(t, "trajectory", "optim", &f)
	g := compileSpec(t, f.Net, compiler.Options{Input: f.Input})
	rs, err := data.NewResizer(ds.Train.Height, ds.Train.Width, g.Input[1], g.Input[2])
	if err != nil {
		t.Fatal(err)
	}
	per := int(g.Input.Elems())
	for _, c := range f.Cases {
		t.Run(c.Name, func(t *testing.T) {
			if len(c.Loss) < 30 {
				t.Fatalf("%d steps in the fixture, the test needs at least 30", len(c.Loss))
			}
			m := modelAsNetcInit(t, g, f.Seed, f.WeightsSHA256, "tools/optim_trajectory_fixtures.py")
			net, err := m.Net(plan.Training, f.Batch)
			if err != nil {
				t.Fatal(err)
			}
			net.DropoutOff = true
			net.LabelSmoothing = c.LabelSmoothing
			if err := c.Schedule.Validate(f.Epochs); err != nil {
				t.Fatal(err)
			}
			opt, err := NewOptimizer(m.Params, c.Optimizer)
			if err != nil {
				t.Fatal(err)
			}
			labels := make([]int32, f.Batch)
			worst := 0.0
			for step, want := range c.Loss {
				lr, mom := c.Schedule.LR(c.Optimizer.LR, step/f.StepsPerEpoch, step%f.StepsPerEpoch, f.Epochs, f.StepsPerEpoch)
				if d := math.Abs(lr-c.LR[step]) / c.LR[step]; !(d <= 1e-12) {
					t.Fatalf("step %d: learning rate %.17g, PyTorch %.17g", step+1, lr, c.LR[step])
				}
				opt.SetLR(lr)
				if c.Schedule.CyclesMomentum() {
					if d := math.Abs(mom - c.Momentum[step]); !(d <= 1e-12) {
						t.Fatalf("step %d: momentum %.17g, PyTorch %.17g", step+1, mom, c.Momentum[step])
					}
					opt.SetMomentum(mom)
				}
				for i := range labels {
					ix := f.Indices[step*f.Batch+i]
					rs.ResizeBytes(net.Input()[i*per:(i+1)*per], ds.Train.Image(ix))
					labels[i] = int32(ds.Train.Labels[ix])
				}
				net.Forward(true)
				loss, _ := net.Loss(labels)
				net.Backward()
				limit := math.Max(1e-4, 2*math.Abs(c.Torch32Loss[step]-want)/want)
				if c.ClipGradNorm > 0 {
					norm := ClipGradNorm(m.Params, c.ClipGradNorm)
					if d := math.Abs(norm-c.GradNorm[step]) / c.GradNorm[step]; !(d <= limit) {
						t.Fatalf("step %d: gradient norm %.6f, PyTorch %.6f", step+1, norm, c.GradNorm[step])
					}
				}
				opt.Step()
				got := math.Abs(float64(loss)-want) / want
				worst = math.Max(worst, got/limit)
				if !(got <= limit) {
					t.Fatalf("step %d: loss %.6f, PyTorch %.6f: relative error %.1e > %.0e", step+1, loss, want, got, limit)
				}
			}
			t.Logf("%d steps, loss %.4f -> %.4f, lr %.3g -> %.3g; worst error %.2f of its threshold",
				len(c.Loss), c.Loss[0], c.Loss[len(c.Loss)-1], c.LR[0], c.LR[len(c.LR)-1], worst)
		})
	}
}
