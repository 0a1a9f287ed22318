package report

import (
	"fmt"
	"strings"

	"github.com/netc/netc/compiler/ir"
)

// Describe gives a node's key attributes in a compact form, e.g. "96, 11x11 /4 pad 1"
// for a conv: output channels, kernel, stride, padding; defaults are left out.
func Describe(n *ir.Node) string {
	a := n.Attrs
	var parts []string
	window := func() {
		parts = append(parts, fmt.Sprintf("%dx%d", a.K[0], a.K[1]))
		if a.Stride != [2]int{1, 1} {
			parts = append(parts, "/"+pair(a.Stride))
		}
		if a.Pad != [2]int{0, 0} {
			parts = append(parts, "pad "+pair(a.Pad))
		}
	}
	switch n.Op {
	case ir.OpConv:
		parts = append(parts, fmt.Sprintf("%d,", a.Out))
		window()
		if a.Dilation != [2]int{1, 1} {
			parts = append(parts, "dil "+pair(a.Dilation))
		}
		if a.Groups != 1 {
			parts = append(parts, fmt.Sprintf("groups %d", a.Groups))
		}
		if !a.Bias {
			parts = append(parts, "no bias")
		}
	case ir.OpLinear:
		parts = append(parts, fmt.Sprint(a.Out))
		if !a.Bias {
			parts = append(parts, "no bias")
		}
	case ir.OpMaxPool, ir.OpAvgPool:
		window()
		if a.CeilMode {
			parts = append(parts, "ceil")
		}
		if n.Op == ir.OpAvgPool && !a.CountIncludePad && a.Pad != [2]int{0, 0} {
			parts = append(parts, "exclude pad")
		}
	case ir.OpAdaptiveAvgPool:
		parts = append(parts, fmt.Sprintf("%dx%d", a.Size[0], a.Size[1]))
	case ir.OpBatchNorm:
		if len(n.Shape) == 1 {
			parts = append(parts, "1d")
		}
		if a.Eps != 1e-5 {
			parts = append(parts, fmt.Sprintf("eps %g", a.Eps))
		}
		if a.Momentum != 0.1 {
			parts = append(parts, fmt.Sprintf("momentum %g", a.Momentum))
		}
	case ir.OpDropout:
		parts = append(parts, fmt.Sprintf("%g", a.P))
	case ir.OpConcat, ir.OpAdd:
		parts = append(parts, fmt.Sprintf("%d inputs", len(n.Inputs)))
	}
	return strings.Join(parts, " ")
}

// pair writes a symmetric pair as one number (stride 2) and an asymmetric one as HxW.
func pair(p [2]int) string {
	if p[0] == p[1] {
		return fmt.Sprint(p[0])
	}
	return fmt.Sprintf("%dx%d", p[0], p[1])
}
