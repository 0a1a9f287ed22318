package ops

import "github.com/netc/netc/compiler/ir"

var flatten = &Op{
	OpSpec: ir.OpSpec{
		Op: ir.OpFlatten, Category: ir.CatShape,
		Doc: "reshape C x H x W to one vector of C*H*W features",
		Infer: func(n *ir.Node, in []ir.Shape) string {
			return ir.SetShape(n, ir.Shape{int(in[0].Elems())})
		},
		Alias: ir.AliasAlways,
	},
	Run: Run{Custom: "copy"},
	ONNX: func(e Emitter, n *ir.Node, in []string, out string) error {
		e.Node(n.Name, "Flatten", in, out, AttrInt("axis", 1))
		return nil
	},
	Torch: torchModule("nn.Flatten"),
}
