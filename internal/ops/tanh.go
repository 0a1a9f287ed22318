package ops

import (
	"github.com/netc/netc/compiler/ir"
	"github.com/netc/netc/kernels"
)

var tanh = &Op{
	OpSpec: activationSpec("tanh", "hyperbolic tangent", ir.SavesOutput),
	Act: &Activation{
		Forward: func(_ ir.Attrs, x, y kernels.View) { kernels.TanhForwardView(x, y) },
		Backward: func(_ ir.Attrs, _, y, dy, dx kernels.View, acc bool) {
			kernels.TanhBackwardView(y, dy, dx, acc)
		},
	},
	ONNX:  simpleONNX("Tanh"),
	Torch: torchModule("nn.Tanh"),
}
