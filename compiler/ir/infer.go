package ir

import (
	"fmt"
	"math"
	"math/bits"
)

// Helpers for the ops' shape rules (package ops), which follow PyTorch's formulas. A rule
// returns a message for the user ("" when the node is fine); the message explains the
// arithmetic, because "output size 0" alone does not tell anyone what to change.

// MaxElems bounds the elements of one sample of any tensor. Beyond it, a batch would not
// fit any machine netc runs on, and int32 indexing in kernels would overflow.
const MaxElems = 1 << 31

// MulChecked multiplies non-negative counts, reporting overflow of int64.
func MulChecked(xs ...int64) (int64, bool) {
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

// SetShape sets n's shape after checking that one sample stays addressable.
func SetShape(n *Node, s Shape) string {
	e, ok := MulChecked(toInt64(s)...)
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

// NeedMap is the message for an op that needs a feature map and got a flat input.
func NeedMap(op Op, in Shape) string {
	if len(in) != 3 {
		return fmt.Sprintf("%s needs a feature map (channels x height x width), found a flat input of %d features", op, in[0])
	}
	return ""
}

// InferSame gives the output the first input's shape.
func InferSame(n *Node, in []Shape) string { return SetShape(n, append(Shape(nil), in[0]...)) }

// WindowOut is PyTorch's output size of a sliding window along one axis, with its
// derivation for error messages.
func WindowOut(size, k, stride, pad, dil int, ceil bool) (int, string) {
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
