package runner

import (
	"fmt"

	"github.com/netc/netc/compiler/plan"
	"github.com/netc/netc/internal/ops"
)

// bind picks the kernels for one plan step, as the op's declaration says: a step of the
// runner's own (customSteps), the op's activation, or its Forward and Backward.
func (n *Net) bind(s *plan.Step) (bound, error) {
	if s.Alias {
		return noop{}, nil
	}
	o := ops.Lookup(s.Op)
	if o == nil {
		return nil, fmt.Errorf("no kernel for op %q", s.Op)
	}
	switch {
	case o.Run.Custom != "":
		b := customSteps[o.Run.Custom]
		if b == nil {
			return nil, fmt.Errorf("op %q asks for the runner's %q step, which does not exist", s.Op, o.Run.Custom)
		}
		return b(n, s)
	case o.Run.Forward != nil:
		return n.bindFunc(s, o.Run)
	case o.Act != nil:
		return &actStep{s: s, act: o.Act}, nil
	}
	return nil, fmt.Errorf("op %q declares no way to run it", s.Op)
}

// customSteps are the steps the runner makes itself, by the name ops declare in
// Run.Custom: they choose algorithms, plan scratch or fold batchnorm.
var customSteps = map[string]func(*Net, *plan.Step) (bound, error){
	"conv":             (*Net).bindConv,
	"linear":           (*Net).bindLinear,
	"batchnorm":        (*Net).bindBatchNorm,
	"pool":             (*Net).bindPool,
	"adaptive_avgpool": (*Net).bindAdaptivePool,
	"dropout":          func(n *Net, s *plan.Step) (bound, error) { return &dropoutStep{s: s, mask: n.maskSlice(s)}, nil },
	"add":              (*Net).bindAdd,
	"concat":           func(_ *Net, s *plan.Step) (bound, error) { return &concatStep{s: s}, nil },
	"copy":             func(_ *Net, s *plan.Step) (bound, error) { return &copyStep{s: s}, nil },
}

// CustomSteps lists the names of the runner's own steps, for the ops completeness test.
func CustomSteps() map[string]bool {
	out := map[string]bool{}
	for k := range customSteps {
		out[k] = true
	}
	return out
}

func (n *Net) maskSlice(s *plan.Step) []float32 {
	if s.Mask == nil {
		return nil
	}
	size := n.Batch * s.Mask.Stride
	return n.arena[s.Mask.Offset : s.Mask.Offset+int64(size)]
}

// noop is a step that computes nothing: its output views its input.
type noop struct{}

func (noop) forward(*Net, bool) {}
func (noop) backward(*Net)      {}
