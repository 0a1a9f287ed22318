package ops

import (
	"fmt"

	"github.com/netc/netc/compiler/ir"
)

var concat = &Op{
	OpSpec: ir.OpSpec{
		Op: ir.OpConcat, Category: ir.CatMerge, Merge: true,
		Doc: "stack branch outputs along channels (torch.cat)",
		Infer: func(n *ir.Node, in []ir.Shape) string {
			first := in[0]
			total := int64(0)
			for i, s := range in {
				if len(s) != len(first) {
					return fmt.Sprintf("concat of a %d-d and a %d-d tensor (branch outputs %s)", len(first), len(s), ir.ShapesList(in))
				}
				if len(s) == 3 && (s[1] != first[1] || s[2] != first[2]) {
					return fmt.Sprintf("concat needs equal height and width, but branch %d gives %dx%d and branch 1 gives %dx%d (branch outputs %s)",
						i+1, s[1], s[2], first[1], first[2], ir.ShapesList(in))
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
