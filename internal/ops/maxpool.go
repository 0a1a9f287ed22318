package ops

import "github.com/netc/netc/compiler/ir"

var maxpool = &Op{
	OpSpec: ir.OpSpec{
		Op: ir.OpMaxPool, Category: ir.CatPool,
		Doc:   "max pooling; padding counts as -infinity",
		Attrs: windowAttrs(), Infer: inferPool, Describe: describePool,
		// Training keeps each window's argmax (an int32 per output) for backward, which
		// then needs no input.
		Kept: func(n *ir.Node, _ []ir.Shape) int64 { return n.Shape.Elems() },
	},
	Run: Run{Custom: "pool"},
	ONNX: func(e Emitter, n *ir.Node, in []string, out string) error {
		e.Node(n.Name, "MaxPool", in, out, poolONNXAttrs(n.Attrs)...)
		return nil
	},
	Torch: func(n *ir.Node, _ ir.Shape) (string, []TorchArg) { return "nn.MaxPool2d", poolTorchArgs(n.Attrs) },
}
