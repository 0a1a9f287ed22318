package ops

import "github.com/netc/netc/compiler/ir"

var avgpool = &Op{
	OpSpec: ir.OpSpec{
		Op: "avgpool", Category: ir.CatPool,
		Doc: "average pooling",
		Attrs: append(windowAttrs(), ir.AttrSpec{Name: "count_include_pad", Kind: ir.KindBool, Default: true,
			Doc: "divide by the full window, padding included (PyTorch's default)", Field: ir.FieldCountIncludePad}),
		Infer: inferPool, Describe: describePool,
	},
	Run: Run{Custom: "pool"},
	ONNX: func(e Emitter, n *ir.Node, in []string, out string) error {
		e.Node(n.Name, "AveragePool", in, out, append(poolONNXAttrs(n.Attrs), AttrBool("count_include_pad", n.Attrs.CountIncludePad))...)
		return nil
	},
	Torch: func(n *ir.Node, _ ir.Shape) (string, []TorchArg) {
		return "nn.AvgPool2d", append(poolTorchArgs(n.Attrs), TorchArg{Keyword: "count_include_pad", Value: n.Attrs.CountIncludePad, Default: true})
	},
}
