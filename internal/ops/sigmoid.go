package ops

import (
	"github.com/netc/netc/compiler/ir"
	"github.com/netc/netc/kernels"
)

var sigmoid = &Op{
	OpSpec: activationSpec("sigmoid", "1 / (1 + exp(-x))", ir.SavesOutput),
	Act: &Activation{
		Forward: func(_ ir.Attrs, x, y kernels.View) { kernels.SigmoidForwardView(x, y) },
		Backward: func(_ ir.Attrs, _, y, dy, dx kernels.View, acc bool) {
			kernels.SigmoidBackwardView(y, dy, dx, acc)
		},
	},
	ONNX:  simpleONNX("Sigmoid"),
	Torch: torchModule("nn.Sigmoid"),
}
