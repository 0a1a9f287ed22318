package ops

import (
	"github.com/netc/netc/compiler/ir"
	"github.com/netc/netc/kernels"
)

var leakyReLU = &Op{
	OpSpec: func() ir.OpSpec {
		s := activationSpec("leaky_relu", "x for x >= 0, slope * x below", ir.SavesInput)
		s.Attrs = []ir.AttrSpec{{Name: "slope", Kind: ir.KindFloat, Default: 0.01, Doc: "the slope for negative inputs (PyTorch's negative_slope)", Field: ir.FieldSlope}}
		return s
	}(),
	Act: &Activation{
		Forward: func(a ir.Attrs, x, y kernels.View) { kernels.LeakyReLUForwardView(float32(a.Slope), x, y) },
		Backward: func(a ir.Attrs, x, _, dy, dx kernels.View, acc bool) {
			kernels.LeakyReLUBackwardView(float32(a.Slope), x, dy, dx, acc)
		},
	},
	ONNX: func(e Emitter, n *ir.Node, in []string, out string) error {
		e.Node(n.Name, "LeakyRelu", in, out, AttrFloat("alpha", n.Attrs.Slope))
		return nil
	},
	Torch: func(n *ir.Node, _ ir.Shape) (string, []TorchArg) {
		return "nn.LeakyReLU", []TorchArg{{Keyword: "negative_slope", Value: n.Attrs.Slope, Default: 0.01, Attr: "slope"}}
	},
}
