package ops

import (
	"strings"
	"testing"

	"github.com/netc/netc/compiler/ir"
)

// Output sizes below were computed with PyTorch 1.13 (nn.Conv2d, nn.MaxPool2d and
// nn.AvgPool2d on a zero tensor of the given size), which is the definition netc follows.
func TestConvOutputSize(t *testing.T) {
	cases := []struct{ h, k, s, p, d, want int }{
		{28, 5, 1, 0, 1, 24},
		{224, 11, 4, 1, 1, 54},
		{7, 3, 2, 1, 1, 4},
		{8, 3, 1, 0, 2, 4},
		{9, 3, 3, 0, 1, 3},
		{5, 5, 1, 2, 1, 5},
		{96, 7, 2, 3, 1, 48},
		{10, 4, 3, 1, 2, 2},
		{1, 1, 1, 0, 1, 1},
		{2, 3, 1, 1, 1, 2},
	}
	for _, c := range cases {
		n := &ir.Node{Op: ir.OpConv, Attrs: ir.Attrs{Out: 8, K: [2]int{c.k, c.k}, Stride: [2]int{c.s, c.s}, Pad: [2]int{c.p, c.p}, Dilation: [2]int{c.d, c.d}, Groups: 1, Bias: true}}
		if msg := inferConv(n, []ir.Shape{{3, c.h, c.h}}); msg != "" {
			t.Errorf("%+v: %s", c, msg)
			continue
		}
		if n.Shape[1] != c.want || n.Shape[2] != c.want {
			t.Errorf("conv h=%d k=%d s=%d p=%d d=%d: %v, PyTorch gives %d", c.h, c.k, c.s, c.p, c.d, n.Shape, c.want)
		}
	}
}

func TestPoolOutputSize(t *testing.T) {
	cases := []struct {
		h, k, s, p int
		ceil       bool
		want       int
	}{
		{5, 2, 2, 0, true, 3},
		{5, 2, 2, 0, false, 2},
		{6, 3, 2, 1, true, 4},
		{6, 3, 2, 1, false, 3},
		{7, 3, 2, 1, true, 4},
		{4, 3, 2, 1, true, 3},
		{54, 3, 2, 0, false, 26},
		{13, 3, 2, 0, true, 6},
		{12, 3, 2, 1, true, 7},
		{3, 2, 2, 1, true, 2},  // the last window would start in the right padding: dropped
		{10, 3, 3, 1, true, 4}, // same rule
		{2, 2, 2, 0, true, 1},
	}
	for _, c := range cases {
		for _, op := range []ir.Op{ir.OpMaxPool, "avgpool"} {
			n := &ir.Node{Op: op, Attrs: ir.Attrs{K: [2]int{c.k, c.k}, Stride: [2]int{c.s, c.s}, Pad: [2]int{c.p, c.p}, CeilMode: c.ceil}}
			if msg := inferPool(n, []ir.Shape{{4, c.h, c.h}}); msg != "" {
				t.Errorf("%s %+v: %s", op, c, msg)
				continue
			}
			if n.Shape[1] != c.want {
				t.Errorf("%s h=%d k=%d s=%d p=%d ceil=%v: %d, PyTorch gives %d", op, c.h, c.k, c.s, c.p, c.ceil, n.Shape[1], c.want)
			}
		}
	}
}

// Parameter counts and MACs by the formulas in tools/book_nets.py's docstring, worked by hand.
func TestCounts(t *testing.T) {
	cv := &ir.Node{Op: ir.OpConv, Attrs: ir.Attrs{Out: 96, K: [2]int{11, 11}, Stride: [2]int{4, 4}, Pad: [2]int{1, 1}, Dilation: [2]int{1, 1}, Groups: 1, Bias: true}}
	inferConv(cv, []ir.Shape{{1, 224, 224}})
	// 96*1*11*11 + 96 = 11,712; 96*54*54*1*121 = 33,872,256
	if cv.Params != 11712 || cv.MACs != 33872256 {
		t.Errorf("alexnet conv1: params %d MACs %d", cv.Params, cv.MACs)
	}
	dw := &ir.Node{Op: ir.OpConv, Attrs: ir.Attrs{Out: 32, K: [2]int{3, 3}, Stride: [2]int{1, 1}, Pad: [2]int{1, 1}, Dilation: [2]int{1, 1}, Groups: 32}}
	inferConv(dw, []ir.Shape{{32, 112, 112}})
	// depthwise: 32*1*9 = 288, no bias; MACs 32*112*112*9 = 3,612,672
	if dw.Params != 288 || dw.MACs != 3612672 {
		t.Errorf("depthwise: params %d MACs %d", dw.Params, dw.MACs)
	}
	lin := &ir.Node{Op: ir.OpLinear, Attrs: ir.Attrs{Out: 4096, Bias: true}}
	linear.Infer(lin, []ir.Shape{{6400}})
	if lin.Params != 6400*4096+4096 || lin.MACs != 6400*4096 {
		t.Errorf("linear: params %d MACs %d", lin.Params, lin.MACs)
	}
	bn := &ir.Node{Op: ir.OpBatchNorm}
	batchnorm.Infer(bn, []ir.Shape{{64, 8, 8}})
	if bn.Params != 128 || bn.Buffers != 128 || bn.MACs != 0 {
		t.Errorf("batchnorm: params %d buffers %d", bn.Params, bn.Buffers)
	}
}

func TestInferErrors(t *testing.T) {
	cases := []struct {
		name  string
		node  *ir.Node
		in    []ir.Shape
		infer func(*ir.Node, []ir.Shape) string
		msg   string
	}{
		{"window", &ir.Node{Op: ir.OpConv, Attrs: ir.Attrs{Out: 1, K: [2]int{5, 5}, Stride: [2]int{1, 1}, Dilation: [2]int{1, 1}, Groups: 1}}, []ir.Shape{{1, 4, 4}}, inferConv, "window 5 is larger than the padded input 4 (= 4 + 2*0)"},
		{"dilation", &ir.Node{Op: ir.OpConv, Attrs: ir.Attrs{Out: 1, K: [2]int{3, 3}, Stride: [2]int{1, 1}, Dilation: [2]int{4, 4}, Groups: 1}}, []ir.Shape{{1, 8, 8}}, inferConv, "spans 9"},
		{"groups in", &ir.Node{Op: ir.OpConv, Attrs: ir.Attrs{Out: 4, K: [2]int{1, 1}, Stride: [2]int{1, 1}, Dilation: [2]int{1, 1}, Groups: 2}}, []ir.Shape{{3, 4, 4}}, inferConv, "does not divide the 3 input channels"},
		{"groups out", &ir.Node{Op: ir.OpConv, Attrs: ir.Attrs{Out: 3, K: [2]int{1, 1}, Stride: [2]int{1, 1}, Dilation: [2]int{1, 1}, Groups: 2}}, []ir.Shape{{4, 4, 4}}, inferConv, "does not divide out = 3"},
		{"flat conv", &ir.Node{Op: ir.OpConv, Attrs: ir.Attrs{Out: 3, K: [2]int{1, 1}, Stride: [2]int{1, 1}, Dilation: [2]int{1, 1}, Groups: 1}}, []ir.Shape{{10}}, inferConv, "flat input of 10 features"},
		{"linear map", &ir.Node{Op: ir.OpLinear, Attrs: ir.Attrs{Out: 3}}, []ir.Shape{{2, 3, 3}}, linear.Infer, "add { op = \"flatten\" }"},
		{"pool pad", &ir.Node{Op: ir.OpMaxPool, Attrs: ir.Attrs{K: [2]int{3, 3}, Stride: [2]int{1, 1}, Pad: [2]int{2, 2}}}, []ir.Shape{{1, 8, 8}}, inferPool, "more than half the window"},
		{"too big", &ir.Node{Op: ir.OpConv, Attrs: ir.Attrs{Out: 1 << 16, K: [2]int{1, 1}, Stride: [2]int{1, 1}, Dilation: [2]int{1, 1}, Groups: 1}}, []ir.Shape{{1, 1 << 12, 1 << 12}}, inferConv, "more than 2^31 elements"},
		{"concat", &ir.Node{Op: ir.OpConcat}, []ir.Shape{{2, 4, 4}, {2, 3, 4}}, concat.Infer, "equal height and width"},
		{"broadcast channels", &ir.Node{Op: ir.OpAdd}, []ir.Shape{{2, 4, 4}, {3, 1, 1}}, add.Infer, "C x 1 x 1 beside C x H x W"},
		{"add", &ir.Node{Op: ir.OpAdd}, []ir.Shape{{2, 4, 4}, {3, 4, 4}}, add.Infer, "equal shape"},
	}
	for _, c := range cases {
		msg := c.infer(c.node, c.in)
		if !strings.Contains(msg, c.msg) {
			t.Errorf("%s: %q, want it to contain %q", c.name, msg, c.msg)
		}
	}
}
