package ops

import (
	"fmt"
	"strings"

	"github.com/netc/netc/compiler/ir"
)

// windowAttrs are the attributes max and average pooling share.
func windowAttrs() []ir.AttrSpec {
	return []ir.AttrSpec{
		{Name: "k", Kind: ir.KindIntPair, Required: true, Min: 1, Doc: "window size: an integer or [height, width]", Field: ir.FieldK},
		{Name: "stride", Kind: ir.KindIntPair, DefaultFrom: "k", Min: 1, Doc: "step between windows (default: the window size, as in PyTorch)", Field: ir.FieldStride},
		{Name: "pad", Kind: ir.KindIntPair, Default: [2]int{0, 0}, Min: 0, Doc: "implicit padding on each side, at most half the window", Field: ir.FieldPad},
		{Name: "ceil_mode", Kind: ir.KindBool, Default: false, Doc: "round the output size up instead of down (PyTorch's ceil_mode)", Field: ir.FieldCeilMode},
	}
}

func inferPool(n *ir.Node, in []ir.Shape) string {
	x := in[0]
	if msg := ir.NeedMap(n.Op, x); msg != "" {
		return msg
	}
	a := &n.Attrs
	var hw [2]int
	for i, axis := range []string{"height", "width"} {
		if 2*a.Pad[i] > a.K[i] {
			return fmt.Sprintf("%s: pad %d is more than half the window %d (PyTorch refuses this too)", axis, a.Pad[i], a.K[i])
		}
		o, msg := ir.WindowOut(x[1+i], a.K[i], a.Stride[i], a.Pad[i], 1, a.CeilMode)
		if msg != "" {
			return fmt.Sprintf("%s: %s (input %s)", axis, msg, x)
		}
		hw[i] = o
	}
	return ir.SetShape(n, ir.Shape{x[0], hw[0], hw[1]})
}

func describePool(n *ir.Node) string {
	a := n.Attrs
	parts := window(a)
	if a.CeilMode {
		parts = append(parts, "ceil")
	}
	if n.Op == "avgpool" && !a.CountIncludePad && a.Pad != [2]int{0, 0} {
		parts = append(parts, "exclude pad")
	}
	return strings.Join(parts, " ")
}

func poolONNXAttrs(a ir.Attrs) []Attr {
	return []Attr{
		AttrInts("kernel_shape", a.K[0], a.K[1]), AttrInts("strides", a.Stride[0], a.Stride[1]),
		AttrInts("pads", a.Pad[0], a.Pad[1], a.Pad[0], a.Pad[1]), AttrBool("ceil_mode", a.CeilMode),
	}
}

func poolTorchArgs(a ir.Attrs) []TorchArg {
	return []TorchArg{
		{Value: a.K, Attr: "k", Role: "kernel_size"},
		{Keyword: "stride", Value: a.Stride, Attr: "stride"},
		{Keyword: "padding", Value: a.Pad, Default: [2]int{0, 0}, Attr: "pad"},
		{Keyword: "ceil_mode", Value: a.CeilMode, Default: false},
	}
}
