package ops

import (
	"math"

	"github.com/netc/netc/compiler/ir"
	"github.com/netc/netc/kernels"
)

var gelu = &Op{
	OpSpec: activationSpec("gelu", "x * Phi(x), Phi the standard normal CDF (the exact erf form, PyTorch's default)", ir.SavesInput),
	Act: &Activation{
		Forward: func(_ ir.Attrs, x, y kernels.View) { kernels.GELUForwardView(x, y) },
		Backward: func(_ ir.Attrs, x, _, dy, dx kernels.View, acc bool) {
			kernels.GELUBackwardView(x, dy, dx, acc)
		},
	},
	// 0.5 * x * (1 + erf(x / sqrt 2)); ONNX has Gelu only from opset 20.
	ONNX: func(e Emitter, n *ir.Node, in []string, out string) error {
		p := n.Name + "/"
		e.Node(p+"scaled", "Div", []string{in[0], e.Float("gelu.sqrt2", float32(math.Sqrt2))}, p+"scaled")
		e.Node(p+"erf", "Erf", []string{p + "scaled"}, p+"erf")
		e.Node(p+"plus1", "Add", []string{p + "erf", e.Float("gelu.one", 1)}, p+"plus1")
		e.Node(p+"times_x", "Mul", []string{in[0], p + "plus1"}, p+"times_x")
		e.Node(n.Name, "Mul", []string{p + "times_x", e.Float("gelu.half", 0.5)}, out)
		return nil
	},
	Torch: torchModule("nn.GELU"),
}
