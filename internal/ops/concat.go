package ops

import (
	"fmt"

	"github.com/netc/netc/compiler/ir"
)

var concat = &Op{
	OpSpec: ir.OpSpec{
		Op: ir.OpConcat, Category: ir.CatMerge, Merge: true,
		Doc: "stack branch outputs along channels",
		Infer: func(n *ir.Node, in []ir.Shape) string {
			first := in[0]
			total := int64(0)
			for _, s := range in {
				if len(s) != len(first) {
					return "concat needs branch outputs that are all feature maps or all flat"
				}
				if len(s) == 3 && (s[1] != first[1] || s[2] != first[2]) {
					return "concat needs branch outputs of equal height and width"
				}
				total += int64(s[0])
			}
			if total > ir.MaxElems {
				return "concatenated channels overflow"
			}
			return ir.SetShape(n, append(ir.Shape{int(total)}, first[1:]...))
		},
		Describe: describeMerge,
	},
	Run: Run{Custom: "concat"},
	ONNX: func(e Emitter, n *ir.Node, in []string, out string) error {
		e.Node(n.Name, "Concat", in, out, AttrInt("axis", 1))
		return nil
	},
	MergeExpr: func(ys []string) string { return fmt.Sprintf("torch.cat(%s, dim=1)", pyList(ys)) },
	MergeList: "torch.cat(%s, dim=1)",
}

func describeMerge(n *ir.Node) string { return fmt.Sprintf("%d inputs", len(n.Inputs)) }
