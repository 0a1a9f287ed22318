package ops

import "github.com/netc/netc/compiler/ir"

// TorchArg is one argument of a PyTorch module's constructor call.
type TorchArg struct {
	Keyword string // "" for a positional argument
	Value   any    // int, [2]int (written as one int when both agree), bool or float64
	Default any    // the argument is left out when every instance has this value; nil: always written
	// Attr is the spec attribute the value comes from: when a block's instances disagree
	// on it, the exporter names the constructor parameter after the spec's expression.
	Attr string
	Role string // a fallback parameter name (in, out, p, ...)
}

// torchModule is a module whose constructor takes no arguments (nn.ReLU()).
func torchModule(class string) func(n *ir.Node, in ir.Shape) (string, []TorchArg) {
	return func(*ir.Node, ir.Shape) (string, []TorchArg) { return class, nil }
}

// inArg is the input channels or features argument that PyTorch's layers start with.
func inArg(in ir.Shape) TorchArg { return TorchArg{Value: in[0], Role: "in"} }
