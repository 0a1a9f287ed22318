package ops

import (
	"fmt"
	"strings"

	"github.com/netc/netc/compiler/ir"
)

var actAttr = ir.AttrSpec{Name: "act", Kind: ir.KindActivation,
	Doc: "activation applied after this layer, as its own layer"}

var conv = &Op{
	OpSpec: ir.OpSpec{
		Op: ir.OpConv, Category: ir.CatConv,
		Doc: "2-D convolution; input channels are inferred",
		Attrs: []ir.AttrSpec{
			{Name: "out", Kind: ir.KindInt, Required: true, Min: 1, Doc: "output channels", Field: ir.FieldOut},
			{Name: "k", Kind: ir.KindIntPair, Required: true, Min: 1, Doc: "kernel size: an integer or [height, width]", Field: ir.FieldK},
			{Name: "stride", Kind: ir.KindIntPair, Default: [2]int{1, 1}, Min: 1, Doc: "stride", Field: ir.FieldStride},
			{Name: "pad", Kind: ir.KindIntPair, Default: [2]int{0, 0}, Min: 0, Doc: "zero padding on each side", Field: ir.FieldPad},
			{Name: "dilation", Kind: ir.KindIntPair, Default: [2]int{1, 1}, Min: 1, Doc: "spacing between kernel taps", Field: ir.FieldDilation},
			{Name: "groups", Kind: ir.KindInt, Default: 1, Min: 1, Doc: "channel groups; must divide input and output channels (groups = in.c is depthwise)", Field: ir.FieldGroups},
			{Name: "bias", Kind: ir.KindBool, Default: true, Doc: "learn an additive bias", Field: ir.FieldBias},
			actAttr,
		},
		Infer: inferConv,
		Tensors: func(n *ir.Node, in ir.Shape) []ir.Tensor {
			a := n.Attrs
			return ir.WeightAndBias(n, []int{a.Out, in[0] / a.Groups, a.K[0], a.K[1]})
		},
		Describe: describeConv,
		Saves:    ir.SavesInput,
	},
	Run: Run{Custom: "conv"},
	ONNX: func(e Emitter, n *ir.Node, in []string, out string) error {
		ws, err := e.Params(n)
		if err != nil {
			return err
		}
		a := n.Attrs
		e.Node(n.Name, "Conv", append(in, ws...), out,
			AttrInts("kernel_shape", a.K[0], a.K[1]), AttrInts("strides", a.Stride[0], a.Stride[1]),
			AttrInts("pads", a.Pad[0], a.Pad[1], a.Pad[0], a.Pad[1]), AttrInts("dilations", a.Dilation[0], a.Dilation[1]),
			AttrInt("group", a.Groups))
		return nil
	},
	Torch: func(n *ir.Node, in ir.Shape) (string, []TorchArg) {
		a := n.Attrs
		return "nn.Conv2d", []TorchArg{
			inArg(in),
			{Value: a.Out, Attr: "out", Role: "out"},
			{Keyword: "kernel_size", Value: a.K, Attr: "k"},
			{Keyword: "stride", Value: a.Stride, Default: [2]int{1, 1}, Attr: "stride"},
			{Keyword: "padding", Value: a.Pad, Default: [2]int{0, 0}, Attr: "pad"},
			{Keyword: "dilation", Value: a.Dilation, Default: [2]int{1, 1}, Attr: "dilation"},
			{Keyword: "groups", Value: a.Groups, Default: 1, Attr: "groups"},
			{Keyword: "bias", Value: a.Bias, Default: true},
		}
	},
}

func inferConv(n *ir.Node, in []ir.Shape) string {
	x := in[0]
	if msg := ir.NeedMap(n.Op, x); msg != "" {
		return msg
	}
	a := &n.Attrs
	c := x[0]
	if c%a.Groups != 0 {
		return fmt.Sprintf("groups = %d does not divide the %d input channels", a.Groups, c)
	}
	if a.Out%a.Groups != 0 {
		return fmt.Sprintf("groups = %d does not divide out = %d", a.Groups, a.Out)
	}
	var hw [2]int
	for i, axis := range []string{"height", "width"} {
		o, msg := ir.WindowOut(x[1+i], a.K[i], a.Stride[i], a.Pad[i], a.Dilation[i], false)
		if msg != "" {
			return fmt.Sprintf("%s: %s (input %s)", axis, msg, x)
		}
		hw[i] = o
	}
	if msg := ir.SetShape(n, ir.Shape{a.Out, hw[0], hw[1]}); msg != "" {
		return msg
	}
	perOut := int64(c/a.Groups) * int64(a.K[0]) * int64(a.K[1])
	w, ok := ir.MulChecked(int64(a.Out), perOut)
	macs, ok2 := ir.MulChecked(int64(a.Out), int64(hw[0]), int64(hw[1]), perOut)
	if !ok || !ok2 {
		return "parameter or MAC count overflows 64 bits"
	}
	n.Params, n.MACs = w, macs
	if a.Bias {
		n.Params += int64(a.Out)
	}
	return ""
}

// describeConv: output channels, kernel, stride, padding and what differs from the
// defaults, e.g. "96, 11x11 /4 pad 1".
func describeConv(n *ir.Node) string {
	a := n.Attrs
	parts := append([]string{fmt.Sprintf("%d,", a.Out)}, window(a)...)
	if a.Dilation != [2]int{1, 1} {
		parts = append(parts, "dil "+pair(a.Dilation))
	}
	if a.Groups != 1 {
		parts = append(parts, fmt.Sprintf("groups %d", a.Groups))
	}
	if !a.Bias {
		parts = append(parts, "no bias")
	}
	return strings.Join(parts, " ")
}

// window describes a kernel or pooling window: size, stride and padding when not 1 and 0.
func window(a ir.Attrs) []string {
	parts := []string{fmt.Sprintf("%dx%d", a.K[0], a.K[1])}
	if a.Stride != [2]int{1, 1} {
		parts = append(parts, "/"+pair(a.Stride))
	}
	if a.Pad != [2]int{0, 0} {
		parts = append(parts, "pad "+pair(a.Pad))
	}
	return parts
}

// pair writes a symmetric pair as one number (stride 2) and an asymmetric one as HxW.
func pair(p [2]int) string {
	if p[0] == p[1] {
		return fmt.Sprint(p[0])
	}
	return fmt.Sprintf("%dx%d", p[0], p[1])
}
