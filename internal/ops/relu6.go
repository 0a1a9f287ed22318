package ops

import (
	"github.com/netc/netc/compiler/ir"
	"github.com/netc/netc/kernels"
)

var relu6 = &Op{
	OpSpec: activationSpec("relu6", "min(max(x, 0), 6)", ir.SavesOutput),
	Act: &Activation{
		Forward: func(_ ir.Attrs, x, y kernels.View) { kernels.ReLU6ForwardView(x, y) },
		Backward: func(_ ir.Attrs, _, y, dy, dx kernels.View, acc bool) {
			kernels.ReLU6BackwardView(y, dy, dx, acc)
		},
	},
	ONNX: func(e Emitter, n *ir.Node, in []string, out string) error {
		e.Node(n.Name, "Clip", append(in, e.Float("relu6.min", 0), e.Float("relu6.max", 6)), out)
		return nil
	},
	Torch: torchModule("nn.ReLU6"),
}
