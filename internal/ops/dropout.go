package ops

import (
	"fmt"

	"github.com/netc/netc/compiler/ir"
)

var dropout = &Op{
	OpSpec: ir.OpSpec{
		Op: ir.OpDropout, Category: ir.CatRegularizer,
		Doc: "zero each element with probability p while training, scaling the rest by 1/(1-p)",
		Attrs: []ir.AttrSpec{
			{Name: "p", Kind: ir.KindFloat, Default: 0.5, FloatMin: ir.AtLeast(0), FloatMax: ir.Below(1), Doc: "drop probability, 0 <= p < 1", Field: ir.FieldP},
		},
		Infer:    ir.InferSame,
		Describe: func(n *ir.Node) string { return fmt.Sprintf("%g", n.Attrs.P) },
		InPlace:  true,
		Alias:    ir.AliasInference,
		// The training forward keeps its mask (0 or 1/(1-p) per element) for backward.
		Kept: func(n *ir.Node, _ []ir.Shape) int64 { return n.Shape.Elems() },
	},
	Run: Run{Custom: "dropout"},
	ONNX: func(e Emitter, n *ir.Node, in []string, out string) error {
		e.Node(n.Name, "Dropout", append(in, e.Float(n.Name+".ratio", float32(n.Attrs.P))), out) // identity at inference
		return nil
	},
	Torch: func(n *ir.Node, _ ir.Shape) (string, []TorchArg) {
		return "nn.Dropout", []TorchArg{{Value: n.Attrs.P, Role: "p"}}
	},
}
