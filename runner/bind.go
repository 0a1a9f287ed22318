package runner

import (
	"fmt"

	"github.com/netc/netc/compiler/ir"
	"github.com/netc/netc/compiler/plan"
)

// bind picks the kernels for one plan step.
func (n *Net) bind(s *plan.Step) (bound, error) {
	if s.Alias {
		return noop{}, nil
	}
	switch s.Op {
	case ir.OpConv:
		return n.bindConv(s)
	case ir.OpLinear:
		return n.bindLinear(s)
	case ir.OpBatchNorm:
		return n.bindBatchNorm(s)
	case ir.OpReLU, ir.OpReLU6, ir.OpSigmoid, ir.OpTanh:
		return &actStep{s: s}, nil
	case ir.OpMaxPool, ir.OpAvgPool:
		return n.bindPool(s)
	case ir.OpAdaptiveAvgPool:
		return n.bindAdaptivePool(s)
	case ir.OpDropout:
		return &dropoutStep{s: s, mask: n.maskSlice(s)}, nil
	case ir.OpAdd:
		return &addStep{s: s}, nil
	case ir.OpConcat:
		return &concatStep{s: s}, nil
	case ir.OpFlatten, ir.OpIdentity:
		return &copyStep{s: s}, nil
	}
	return nil, fmt.Errorf("no kernel for op %q", s.Op)
}

func (n *Net) maskSlice(s *plan.Step) []float32 {
	if s.Mask == nil {
		return nil
	}
	size := (n.Batch-1)*s.Mask.Stride + elems(n.Plan.Values[s.Out].Shape)
	return n.arena[s.Mask.Offset : s.Mask.Offset+int64(size)]
}

// noop is a step that computes nothing: its output views its input.
type noop struct{}

func (noop) forward(*Net, bool) {}
func (noop) backward(*Net)      {}
