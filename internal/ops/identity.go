package ops

import "github.com/netc/netc/compiler/ir"

var identity = &Op{
	OpSpec: ir.OpSpec{
		Op: ir.OpIdentity, Category: ir.CatShape,
		Doc:   "pass the input through unchanged",
		Infer: ir.InferSame, Alias: ir.AliasAlways,
	},
	Run:   Run{Custom: "copy"},
	ONNX:  simpleONNX("Identity"),
	Torch: torchModule("nn.Identity"),
}
