package ops

import (
	"fmt"

	"github.com/netc/netc/compiler/ir"
)

var adaptiveAvgPool = &Op{
	OpSpec: ir.OpSpec{
		Op: "adaptive_avgpool", Category: ir.CatPool,
		Doc: "average pooling to a fixed output size; size 1 is global average pooling",
		Attrs: []ir.AttrSpec{
			{Name: "size", Kind: ir.KindIntPair, Default: [2]int{1, 1}, Min: 1, Doc: "output size: an integer or [height, width]", Field: ir.FieldSize},
		},
		Infer: func(n *ir.Node, in []ir.Shape) string {
			x := in[0]
			if msg := ir.NeedMap(n.Op, x); msg != "" {
				return msg
			}
			return ir.SetShape(n, ir.Shape{x[0], n.Attrs.Size[0], n.Attrs.Size[1]})
		},
		Describe: func(n *ir.Node) string { return fmt.Sprintf("%dx%d", n.Attrs.Size[0], n.Attrs.Size[1]) },
	},
	Run:  Run{Custom: "adaptive_avgpool"},
	ONNX: adaptivePoolONNX,
	Torch: func(n *ir.Node, _ ir.Shape) (string, []TorchArg) {
		return "nn.AdaptiveAvgPool2d", []TorchArg{{Value: n.Attrs.Size, Attr: "size", Role: "size"}}
	},
}

// adaptivePoolONNX writes PyTorch's AdaptiveAvgPool2d, which ONNX lacks. Output size 1 is
// GlobalAveragePool; a size that divides the input is an AveragePool with window and
// stride input/size. Otherwise the windows overlap or differ in size (bin i covers
// [floor(i*in/out), ceil((i+1)*in/out))), and since the mean over a rectangle is the mean
// over its rows of the mean over its columns, each axis is pooled on its own: one Slice
// and ReduceMean per output row, concatenated, then the same for the columns.
func adaptivePoolONNX(e Emitter, n *ir.Node, in []string, out string) error {
	shape := e.InputShape(n)
	h, w := shape[1], shape[2]
	oh, ow := n.Attrs.Size[0], n.Attrs.Size[1]
	switch {
	case oh == 1 && ow == 1:
		e.Node(n.Name, "GlobalAveragePool", in, out)
		return nil
	case h%oh == 0 && w%ow == 0:
		kh, kw := h/oh, w/ow
		e.Node(n.Name, "AveragePool", in, out, AttrInts("kernel_shape", kh, kw), AttrInts("strides", kh, kw))
		return nil
	}
	rows := poolAxis(e, n.Name, in[0], 2, h, oh, n.Name+"/rows")
	poolAxis(e, n.Name, rows, 3, w, ow, out)
	return nil
}

// poolAxis averages axis of x (of size in) into out bins, writing value result.
func poolAxis(e Emitter, node, x string, axis, in, out int, result string) string {
	if in == out {
		e.Node(fmt.Sprintf("%s/axis%d", node, axis), "Identity", []string{x}, result)
		return result
	}
	var bins []string
	for i := 0; i < out; i++ {
		start, end := i*in/out, ((i+1)*in+out-1)/out
		base := fmt.Sprintf("%s/axis%d_%d", node, axis, i)
		starts, ends, axes := e.Int64s(base+".starts", int64(start)), e.Int64s(base+".ends", int64(end)), e.Int64s(base+".axes", int64(axis))
		e.Node(base+"/slice", "Slice", []string{x, starts, ends, axes}, base+"/slice")
		e.Node(base+"/mean", "ReduceMean", []string{base + "/slice"}, base, AttrInts("axes", axis), AttrInt("keepdims", 1))
		bins = append(bins, base)
	}
	e.Node(fmt.Sprintf("%s/axis%d", node, axis), "Concat", bins, result, AttrInt("axis", axis))
	return result
}
