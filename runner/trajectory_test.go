package runner

import (
	"math"
	"testing"

	"github.com/netc/netc/compiler"
	"github.com/netc/netc/compiler/plan"
	"github.com/netc/netc/internal/data"
)

// trajectoryFixture is what PyTorch computed (tools/trajectory_fixtures.py) over a run of
// SGD steps from netc's initial weights on images of the embedded training subset.
type trajectoryFixture struct {
	Net           string    `json:"net"`
	Input         string    `json:"input"`
	Seed          uint64    `json:"seed"`
	WeightsSHA256 string    `json:"weights_sha256"`
	Batch         int       `json:"batch"`
	LR            float64   `json:"lr"`
	DropoutSeed   *uint64   `json:"dropout_seed"` // dropout on, with the masks of this seed; nil: off
	Indices       []int     `json:"indices"`
	Loss          []float64 `json:"loss"`         // float64 reference, one per step
	Torch32Loss   []float64 `json:"torch32_loss"` // PyTorch's own float32 run
}

// TestTrajectoryFollowsPyTorch takes the SGD steps the fixture took, each from the weights
// the previous step left, and compares every step's loss with PyTorch's float64 run:
// within 1e-4 relative, or twice PyTorch's own float32 drift at that step where larger.
// One-step parity (TestParityWithPyTorch) cannot see an update that compounds wrongly.
// NiN's fixture has dropout on: PyTorch applied the masks netc's generator draws, replayed
// by the fixture script from the generator's published algorithm.
func TestTrajectoryFollowsPyTorch(t *testing.T) {
	ds, err := data.LoadEmbedded()
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"lenet-bn", "nin"} {
		t.Run(name, func(t *testing.T) {
			var f trajectoryFixture
			readFixture(t, "trajectory", name, &f)
			g := compileSpec(t, name, compiler.Options{Input: f.Input})
			m := modelAsNetcInit(t, g, f.Seed, f.WeightsSHA256, "tools/trajectory_fixtures.py")

			net, err := m.Net(plan.Training, f.Batch)
			if err != nil {
				t.Fatal(err)
			}
			net.DropoutOff = f.DropoutSeed == nil
			if f.DropoutSeed != nil {
				m.SeedRNG(*f.DropoutSeed)
			}
			opt := NewSGD(m.Params, float32(f.LR), 0, 0)
			rs, err := data.NewResizer(ds.Train.Height, ds.Train.Width, g.Input[1], g.Input[2])
			if err != nil {
				t.Fatal(err)
			}
			per := int(g.Input.Elems())
			labels := make([]int32, f.Batch)
			worst := 0.0
			for step, want := range f.Loss {
				for i := range labels {
					ix := f.Indices[step*f.Batch+i]
					rs.ResizeBytes(net.Input()[i*per:(i+1)*per], ds.Train.Image(ix))
					labels[i] = int32(ds.Train.Labels[ix])
				}
				net.Forward(true)
				loss, _ := net.Loss(labels)
				net.Backward()
				opt.Step()
				limit := math.Max(1e-4, 2*math.Abs(f.Torch32Loss[step]-want)/want)
				got := math.Abs(float64(loss)-want) / want
				worst = math.Max(worst, got/limit)
				if !(got <= limit) {
					t.Fatalf("step %d: loss %.6f, PyTorch %.6f: relative error %.1e > %.0e", step+1, loss, want, got, limit)
				}
			}
			t.Logf("%s: %d steps, loss %.4f -> %.4f; worst error %.2f of its threshold", name, len(f.Loss), f.Loss[0], f.Loss[len(f.Loss)-1], worst)
		})
	}
}
