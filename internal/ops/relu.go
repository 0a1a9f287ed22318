package ops

import (
	"github.com/netc/netc/compiler/ir"
	"github.com/netc/netc/kernels"
)

var relu = &Op{
	OpSpec: activationSpec(ir.OpReLU, "max(x, 0)", ir.SavesOutput),
	Act: &Activation{
		Forward: func(_ ir.Attrs, x, y kernels.View) { kernels.ReLUForwardView(x, y) },
		Backward: func(_ ir.Attrs, _, y, dy, dx kernels.View, acc bool) {
			kernels.ReLUBackwardView(y, dy, dx, acc)
		},
	},
	ONNX:  simpleONNX("Relu"),
	Torch: torchModule("nn.ReLU"),
}

// activationSpec is the compiler's part of an elementwise activation without attributes.
func activationSpec(op ir.Op, doc string, saves ir.Saves) ir.OpSpec {
	return ir.OpSpec{Op: op, Doc: doc, Category: ir.CatActivation, Infer: ir.InferSame, Saves: saves, InPlace: true}
}
