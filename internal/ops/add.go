package ops

import (
	"strings"

	"github.com/netc/netc/compiler/ir"
)

var add = &Op{
	OpSpec: ir.OpSpec{
		Op: ir.OpAdd, Category: ir.CatMerge, Merge: true,
		Doc:      "elementwise sum of branch outputs; a C x 1 x 1 output broadcasts over C x H x W",
		Infer:    func(n *ir.Node, in []ir.Shape) string { return inferBroadcast(n, in, "add") },
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

// inferBroadcast is the shape rule of the elementwise merges: every branch output has the
// same shape, except that a C x 1 x 1 one (a squeeze-and-excitation gate) broadcasts over
// the others' C x H x W, as PyTorch's broadcasting does.
func inferBroadcast(n *ir.Node, in []ir.Shape, op string) string {
	full := in[0]
	for _, s := range in[1:] {
		if s.Elems() > full.Elems() {
			full = s
		}
	}
	for _, s := range in {
		if !s.Equal(full) && !broadcasts(s, full) {
			return op + " needs branch outputs of equal shape, or C x 1 x 1 beside C x H x W"
		}
	}
	return ir.SetShape(n, append(ir.Shape(nil), full...))
}

// broadcasts reports whether s is C x 1 x 1 against full's C x H x W.
func broadcasts(s, full ir.Shape) bool {
	return len(s) == 3 && len(full) == 3 && s[0] == full[0] && s[1] == 1 && s[2] == 1
}
