package onnx

import (
	"fmt"

	"github.com/netc/netc/compiler/ir"
)

// adaptivePool writes PyTorch's AdaptiveAvgPool2d, which ONNX lacks. Output size 1 is
// GlobalAveragePool; a size that divides the input is an AveragePool with window and
// stride input/size. Otherwise the windows overlap or differ in size (bin i covers
// [floor(i*in/out), ceil((i+1)*in/out))), and since the mean over a rectangle is the mean
// over its rows of the mean over its columns, each axis is pooled on its own: one Slice
// and ReduceMean per output row, concatenated, then the same for the columns.
func (b *builder) adaptivePool(n *ir.Node, in, out string) {
	a := n.Attrs
	shape := b.g.InputShape(n)
	h, w := shape[1], shape[2]
	oh, ow := a.Size[0], a.Size[1]
	switch {
	case oh == 1 && ow == 1:
		b.add(n.Name, "GlobalAveragePool", []string{in}, out)
		return
	case h%oh == 0 && w%ow == 0:
		kh, kw := h/oh, w/ow
		b.add(n.Name, "AveragePool", []string{in}, out, ints("kernel_shape", kh, kw), ints("strides", kh, kw))
		return
	}
	rows := b.poolAxis(n.Name, in, 2, h, oh, n.Name+"/rows")
	b.poolAxis(n.Name, rows, 3, w, ow, out)
}

// poolAxis averages axis of x (of size in) into out bins, writing value result.
func (b *builder) poolAxis(node, x string, axis, in, out int, result string) string {
	if in == out {
		b.add(fmt.Sprintf("%s/axis%d", node, axis), "Identity", []string{x}, result)
		return result
	}
	var bins []string
	for i := 0; i < out; i++ {
		start, end := i*in/out, ((i+1)*in+out-1)/out
		base := fmt.Sprintf("%s/axis%d_%d", node, axis, i)
		b.graph.Initializer = append(b.graph.Initializer,
			intTensor(base+".starts", []int64{int64(start)}), intTensor(base+".ends", []int64{int64(end)}),
			intTensor(base+".axes", []int64{int64(axis)}))
		b.add(base+"/slice", "Slice", []string{x, base + ".starts", base + ".ends", base + ".axes"}, base+"/slice")
		b.add(base+"/mean", "ReduceMean", []string{base + "/slice"}, base, ints("axes", axis), intAttr("keepdims", 1))
		bins = append(bins, base)
	}
	b.add(fmt.Sprintf("%s/axis%d", node, axis), "Concat", bins, result, intAttr("axis", axis))
	return result
}
