package ir

import (
	"fmt"
	"math"
	"math/bits"
)

// Shape inference, parameter counts and MACs for each op, with PyTorch's formulas. Each
// function returns a message for the user ("" when the node is fine); the message explains
// the arithmetic, because "output size 0" alone does not tell anyone what to change.

// MaxElems bounds the elements of one sample of any tensor. Beyond it, a batch would not
// fit any machine netc runs on, and int32 indexing in kernels would overflow.
const MaxElems = 1 << 31

// mulChecked multiplies non-negative counts, reporting overflow of int64.
func mulChecked(xs ...int64) (int64, bool) {
	p := uint64(1)
	for _, x := range xs {
		if x < 0 {
			return 0, false
		}
		hi, lo := bits.Mul64(p, uint64(x))
		if hi != 0 || lo > math.MaxInt64 {
			return 0, false
		}
		p = lo
	}
	return int64(p), true
}

func setShape(n *Node, s Shape) string {
	e, ok := mulChecked(toInt64(s)...)
	if !ok || e > MaxElems {
		return fmt.Sprintf("output %s has more than 2^31 elements per sample; refusing before allocating anything", s)
	}
	n.Shape = s
	return ""
}

func toInt64(s Shape) []int64 {
	out := make([]int64, len(s))
	for i, d := range s {
		out[i] = int64(d)
	}
	return out
}

func needMap(op Op, in Shape) string {
	if len(in) != 3 {
		return fmt.Sprintf("%s needs a feature map (channels x height x width), found a flat input of %d features", op, in[0])
	}
	return ""
}

func inferSame(n *Node, in []Shape) string { return setShape(n, append(Shape(nil), in[0]...)) }

// windowOut is PyTorch's output size of a sliding window along one axis, with its
// derivation for error messages.
func windowOut(size, k, stride, pad, dil int, ceil bool) (int, string) {
	eff := dil*(k-1) + 1
	padded := size + 2*pad
	if eff > padded {
		what := fmt.Sprintf("window %d", k)
		if dil > 1 {
			what = fmt.Sprintf("window %d (dilation %d: spans %d)", k, dil, eff)
		}
		return 0, fmt.Sprintf("%s is larger than the padded input %d (= %d + 2*%d)", what, padded, size, pad)
	}
	span := padded - eff
	out := span/stride + 1
	if ceil {
		out = (span+stride-1)/stride + 1
		// PyTorch: the last window must start inside the input or its left padding.
		if (out-1)*stride >= size+pad {
			out--
		}
	}
	return out, ""
}

func inferConv(n *Node, in []Shape) string {
	x := in[0]
	if msg := needMap(n.Op, x); msg != "" {
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
		o, msg := windowOut(x[1+i], a.K[i], a.Stride[i], a.Pad[i], a.Dilation[i], false)
		if msg != "" {
			return fmt.Sprintf("%s: %s (input %s)", axis, msg, x)
		}
		hw[i] = o
	}
	if msg := setShape(n, Shape{a.Out, hw[0], hw[1]}); msg != "" {
		return msg
	}
	perOut := int64(c/a.Groups) * int64(a.K[0]) * int64(a.K[1])
	w, ok := mulChecked(int64(a.Out), perOut)
	macs, ok2 := mulChecked(int64(a.Out), int64(hw[0]), int64(hw[1]), perOut)
	if !ok || !ok2 {
		return "parameter or MAC count overflows 64 bits"
	}
	n.Params, n.MACs = w, macs
	if a.Bias {
		n.Params += int64(a.Out)
	}
	return ""
}

func inferLinear(n *Node, in []Shape) string {
	x := in[0]
	if len(x) != 1 {
		return fmt.Sprintf("linear needs a flat input, found %s; add { op = \"flatten\" } before it", x)
	}
	if msg := setShape(n, Shape{n.Attrs.Out}); msg != "" {
		return msg
	}
	w, ok := mulChecked(int64(n.Attrs.Out), int64(x[0]))
	if !ok {
		return "parameter count overflows 64 bits"
	}
	n.Params, n.MACs = w, w
	if n.Attrs.Bias {
		n.Params += int64(n.Attrs.Out)
	}
	return ""
}

func inferPool(n *Node, in []Shape) string {
	x := in[0]
	if msg := needMap(n.Op, x); msg != "" {
		return msg
	}
	a := &n.Attrs
	var hw [2]int
	for i, axis := range []string{"height", "width"} {
		if 2*a.Pad[i] > a.K[i] {
			return fmt.Sprintf("%s: pad %d is more than half the window %d (PyTorch refuses this too)", axis, a.Pad[i], a.K[i])
		}
		o, msg := windowOut(x[1+i], a.K[i], a.Stride[i], a.Pad[i], 1, a.CeilMode)
		if msg != "" {
			return fmt.Sprintf("%s: %s (input %s)", axis, msg, x)
		}
		hw[i] = o
	}
	return setShape(n, Shape{x[0], hw[0], hw[1]})
}

func inferAdaptivePool(n *Node, in []Shape) string {
	x := in[0]
	if msg := needMap(n.Op, x); msg != "" {
		return msg
	}
	return setShape(n, Shape{x[0], n.Attrs.Size[0], n.Attrs.Size[1]})
}

func inferBatchNorm(n *Node, in []Shape) string {
	x := in[0]
	if len(x) != 3 && len(x) != 1 {
		return fmt.Sprintf("batchnorm needs C x H x W or a flat input, found %s", x)
	}
	if msg := setShape(n, append(Shape(nil), x...)); msg != "" {
		return msg
	}
	n.Params = 2 * int64(x[0])  // weight (gamma) and bias (beta)
	n.Buffers = 2 * int64(x[0]) // running mean and variance
	return ""
}

func inferFlatten(n *Node, in []Shape) string {
	e := in[0].Elems()
	return setShape(n, Shape{int(e)})
}

func inferConcat(n *Node, in []Shape) string {
	first := in[0]
	total := int64(0)
	for i, s := range in {
		if len(s) != len(first) {
			return fmt.Sprintf("concat of a %d-d and a %d-d tensor (branch outputs %s)", len(first), len(s), shapesList(in))
		}
		if len(s) == 3 && (s[1] != first[1] || s[2] != first[2]) {
			return fmt.Sprintf("concat needs equal height and width, but branch %d gives %dx%d and branch 1 gives %dx%d (branch outputs %s)",
				i+1, s[1], s[2], first[1], first[2], shapesList(in))
		}
		total += int64(s[0])
	}
	if total > MaxElems {
		return "concatenated channels overflow"
	}
	out := append(Shape{int(total)}, first[1:]...)
	return setShape(n, out)
}

func inferAdd(n *Node, in []Shape) string {
	for _, s := range in[1:] {
		if !s.Equal(in[0]) {
			return fmt.Sprintf("add needs equal shapes, found %s", shapesList(in))
		}
	}
	return setShape(n, append(Shape(nil), in[0]...))
}

func shapesList(in []Shape) string {
	s := ""
	for i, x := range in {
		if i > 0 {
			s += ", "
		}
		s += x.String()
	}
	return s
}
