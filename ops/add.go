package ops

import (
	"fmt"
	"strings"

	"github.com/netc/netc/compiler/ir"
)

var add = &Op{
	OpSpec: ir.OpSpec{
		Op: ir.OpAdd, Category: ir.CatMerge, Merge: true,
		Doc: "elementwise sum of branch outputs",
		Infer: func(n *ir.Node, in []ir.Shape) string {
			for _, s := range in[1:] {
				if !s.Equal(in[0]) {
					return fmt.Sprintf("add needs equal shapes, found %s", ir.ShapesList(in))
				}
			}
			return ir.SetShape(n, append(ir.Shape(nil), in[0]...))
		},
		Describe: describeMerge,
		InPlace:  true,
	},
	Run: Run{Custom: "add"},
	ONNX: func(e Emitter, n *ir.Node, in []string, out string) error {
		if len(in) == 2 {
			e.Node(n.Name, "Add", in, out)
		} else {
			e.Node(n.Name, "Sum", in, out)
		}
		return nil
	},
	MergeExpr: func(ys []string) string { return strings.Join(ys, " + ") },
	MergeList: "add_all(%s)",
}

// pyList writes a Python list of expressions.
func pyList(xs []string) string { return "[" + strings.Join(xs, ", ") + "]" }
