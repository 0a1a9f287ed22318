package pytorch

import (
	"fmt"

	"github.com/netc/netc/compiler/ir"
)

// slot is one argument of a constructor call, with this instance's value. When a block's
// instances disagree on it, it becomes (an expression of) a constructor parameter.
type slot struct {
	kw   string // keyword; "" for a positional argument
	val  value
	def  *value // left out of the call when every instance has this value
	hint string // a name for the parameter it may become: the spec's expression, if a name
	role string // a fallback name: in, out, or the keyword
}

// leafCall is the PyTorch layer that computes node n exactly as netc does, as the
// constructor and its arguments. hint returns the spec's expression for an attribute
// when it is a plain parameter name ("c", "stride"), else "".
func leafCall(g *ir.Graph, n *ir.Node, hint func(attr string) string) (string, []slot, error) {
	a := n.Attrs
	var in ir.Shape
	if len(n.Inputs) > 0 {
		in = g.InputShape(n)
	}
	one, zero := pairVal([2]int{1, 1}), pairVal([2]int{0, 0})
	yes, no, oneI := boolVal(true), boolVal(false), intVal(1)
	inSlot := slot{val: intVal(in[0]), role: "in"}
	switch n.Op {
	case ir.OpConv:
		return "nn.Conv2d", []slot{
			inSlot,
			{val: intVal(a.Out), hint: hint("out"), role: "out"},
			{kw: "kernel_size", val: pairVal(a.K), hint: hint("k")},
			{kw: "stride", val: pairVal(a.Stride), def: &one, hint: hint("stride")},
			{kw: "padding", val: pairVal(a.Pad), def: &zero, hint: hint("pad")},
			{kw: "dilation", val: pairVal(a.Dilation), def: &one, hint: hint("dilation")},
			{kw: "groups", val: intVal(a.Groups), def: &oneI, hint: hint("groups")},
			{kw: "bias", val: boolVal(a.Bias), def: &yes},
		}, nil
	case ir.OpLinear:
		return "nn.Linear", []slot{inSlot, {val: intVal(a.Out), hint: hint("out"), role: "out"}, {kw: "bias", val: boolVal(a.Bias), def: &yes}}, nil
	case ir.OpBatchNorm:
		fn := "nn.BatchNorm2d"
		if len(in) == 1 {
			fn = "nn.BatchNorm1d"
		}
		eps, mom := floatVal(1e-5), floatVal(0.1)
		return fn, []slot{inSlot, {kw: "eps", val: floatVal(a.Eps), def: &eps}, {kw: "momentum", val: floatVal(a.Momentum), def: &mom}}, nil
	case ir.OpMaxPool, ir.OpAvgPool:
		s := []slot{
			{val: pairVal(a.K), hint: hint("k"), role: "kernel_size"},
			{kw: "stride", val: pairVal(a.Stride), hint: hint("stride")},
			{kw: "padding", val: pairVal(a.Pad), def: &zero, hint: hint("pad")},
			{kw: "ceil_mode", val: boolVal(a.CeilMode), def: &no},
		}
		if n.Op == ir.OpMaxPool {
			return "nn.MaxPool2d", s, nil
		}
		return "nn.AvgPool2d", append(s, slot{kw: "count_include_pad", val: boolVal(a.CountIncludePad), def: &yes}), nil
	case ir.OpAdaptiveAvgPool:
		return "nn.AdaptiveAvgPool2d", []slot{{val: pairVal(a.Size), hint: hint("size"), role: "size"}}, nil
	case ir.OpDropout:
		return "nn.Dropout", []slot{{val: floatVal(a.P), role: "p"}}, nil
	case ir.OpFlatten:
		return "nn.Flatten", nil, nil
	case ir.OpIdentity:
		return "nn.Identity", nil, nil
	case ir.OpReLU:
		return "nn.ReLU", nil, nil
	case ir.OpReLU6:
		return "nn.ReLU6", nil, nil
	case ir.OpSigmoid:
		return "nn.Sigmoid", nil, nil
	case ir.OpTanh:
		return "nn.Tanh", nil, nil
	}
	return "", nil, fmt.Errorf("%s: op %s has no PyTorch layer", n.Name, n.Op)
}
