package ops

import (
	"github.com/netc/netc/compiler/ir"
	"github.com/netc/netc/kernels"
)

var silu = &Op{
	OpSpec: activationSpec("silu", "x * sigmoid(x), also called swish", ir.SavesInput),
	Act: &Activation{
		Forward: func(_ ir.Attrs, x, y kernels.View) { kernels.SiLUForwardView(x, y) },
		Backward: func(_ ir.Attrs, x, _, dy, dx kernels.View, acc bool) {
			kernels.SiLUBackwardView(x, dy, dx, acc)
		},
	},
	ONNX: func(e Emitter, n *ir.Node, in []string, out string) error {
		e.Node(n.Name+"/sigmoid", "Sigmoid", in, n.Name+"/sigmoid")
		e.Node(n.Name, "Mul", []string{in[0], n.Name + "/sigmoid"}, out)
		return nil
	},
	Torch: torchModule("nn.SiLU"),
}
