package ops

import (
	"fmt"
	"github.com/netc/netc/kernels"
	"strings"

	"github.com/netc/netc/compiler/ir"
)

var mul = &Op{
	OpSpec: ir.OpSpec{
		Op: "mul", Category: ir.CatMerge, Merge: true,
		Doc: "elementwise product of branch outputs; a C x 1 x 1 output (a squeeze-and-excitation gate) broadcasts over C x H x W",
		Infer: func(n *ir.Node, in []ir.Shape) string {
			if len(in) != 2 {
				return fmt.Sprintf("mul takes exactly two branch outputs (a value and its gate), found %d", len(in))
			}
			return inferBroadcast(n, in, "mul")
		},
		Describe: describeMerge,
		Saves:    ir.SavesInput,
	},
	Run:       Run{Forward: mulForward, Backward: mulBackward},
	ONNX:      simpleONNX("Mul"),
	MergeExpr: func(ys []string) string { return strings.Join(ys, " * ") },
	MergeList: "mul_all(%s)",
}

// mulForward multiplies the two branch outputs, broadcasting a C x 1 x 1 gate.
func mulForward(c Ctx, _ bool) {
	_, hw := channels(c.OutShape())
	kernels.MulForwardView(c.In(0), c.In(1), c.Out(), hw)
}

func mulBackward(c Ctx) {
	_, hw := channels(c.OutShape())
	da, accA, _ := c.InGrad(0)
	db, accB, _ := c.InGrad(1)
	kernels.MulBackwardView(c.In(0), c.In(1), c.OutGrad(), hw, da, accA, db, accB)
}
