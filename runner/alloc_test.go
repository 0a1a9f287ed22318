package runner

import (
	"testing"

	"github.com/netc/netc/compiler"
	"github.com/netc/netc/compiler/plan"
)

// TestTrainingStepAllocatesNothing: after the first step, a whole training step (forward,
// loss, backward, SGD with momentum) makes no heap allocation.
func TestTrainingStepAllocatesNothing(t *testing.T) {
	for _, c := range []struct{ spec, input string }{{"lenet-bn", ""}, {"densenet", "1x32x32"}, {"googlenet", "1x32x32"}} {
		g := compileSpec(t, c.spec, compiler.Options{Input: c.input})
		m, err := NewModel(g)
		if err != nil {
			t.Fatal(err)
		}
		m.Params.Init(InitXavier, 1)
		net, err := m.Net(plan.Training, 4)
		if err != nil {
			t.Fatal(err)
		}
		opt := NewSGD(m.Params, 0.1, 0.9, 1e-4)
		labels := []int32{0, 1, 2, 3}
		for i := range net.Input() {
			net.Input()[i] = float32(i%7) / 7
		}
		step := func() {
			net.Forward(true)
			net.Loss(labels)
			net.Backward()
			opt.Step()
		}
		step()
		if a := testing.AllocsPerRun(5, step); a != 0 {
			t.Errorf("%s: %.1f allocations per training step", c.spec, a)
		}
	}
}
