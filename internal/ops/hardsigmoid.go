package ops

import (
	"github.com/netc/netc/compiler/ir"
	"github.com/netc/netc/kernels"
)

var hardsigmoid = &Op{
	OpSpec: activationSpec("hardsigmoid", "relu6(x + 3) / 6", ir.SavesInput),
	Act: &Activation{
		Forward: func(_ ir.Attrs, x, y kernels.View) { kernels.HardSigmoidForwardView(x, y) },
		Backward: func(_ ir.Attrs, x, _, dy, dx kernels.View, acc bool) {
			kernels.HardSigmoidBackwardView(x, dy, dx, acc)
		},
	},
	ONNX: func(e Emitter, n *ir.Node, in []string, out string) error {
		e.Node(n.Name, "HardSigmoid", in, out, AttrFloat("alpha", 1.0/6), AttrFloat("beta", 0.5))
		return nil
	},
	Torch: torchModule("nn.Hardsigmoid"),
}
