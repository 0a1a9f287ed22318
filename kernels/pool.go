package kernels

import (
	"fmt"
	"math"
)

// Max and average 2-D pooling, matching PyTorch 1.13's CPU kernels
// (aten/src/ATen/native/cpu/MaxPoolKernel.cpp, AvgPoolKernel.cpp):
//   - output size uses pooling_output_shape: with CeilMode the division
//     rounds up, but a last window that would start in the right padding
//     (or beyond) is dropped;
//   - max pool: padding acts as -inf (windows are clipped to the input); the
//     first maximum in row-major scan order wins, a NaN always wins;
//   - avg pool: the window end is clipped to H+PH (W+PW) to get the
//     count_include_pad divisor, then to H (W) for the sum; without
//     count_include_pad the divisor is the number of input pixels summed.
//
// x and y may be per-sample strided views (XStride, YStride); dx has x's
// stride and dy has y's.
//
// Planes are split across the kernel threads (poolTask); 2x2 and 3x3
// windows have fast paths (pool_max.go, pool_avg.go) that give the same
// bits as the per-window code below.

// PoolGeom is the geometry of a 2-D pooling. Fill the inputs, then call Init.
type PoolGeom struct {
	N, C, H, W      int
	KH, KW          int
	SH, SW          int
	PH, PW          int
	CeilMode        bool
	CountIncludePad bool // average pooling only
	OH, OW          int  // set by Init

	// XStride and YStride are the elements between consecutive samples of
	// x (and dx) and of y (and dy); 0 means dense (C*H*W, C*OH*OW).
	XStride, YStride int
}

func poolOutLen(in, k, pad, stride int, ceil bool) int {
	num := in + 2*pad - (k - 1) - 1
	if ceil {
		num += stride - 1
	}
	out := floorDiv(num, stride) + 1
	if ceil && (out-1)*stride >= in+pad {
		out--
	}
	return out
}

// OutSize is PyTorch's pooling output size (see the file comment).
func (g PoolGeom) OutSize() (oh, ow int) {
	return poolOutLen(g.H, g.KH, g.PH, g.SH, g.CeilMode), poolOutLen(g.W, g.KW, g.PW, g.SW, g.CeilMode)
}

// Init validates the geometry as PyTorch's pool2d_shape_check does and sets
// OH, OW.
func (g *PoolGeom) Init() error {
	switch {
	case g.N < 1 || g.C < 1 || g.H < 1 || g.W < 1:
		return fmt.Errorf("pool: N, C, H, W must be >= 1, have %d, %d, %d, %d", g.N, g.C, g.H, g.W)
	case g.KH < 1 || g.KW < 1 || g.SH < 1 || g.SW < 1:
		return fmt.Errorf("pool: kernel %dx%d and stride %dx%d must be >= 1", g.KH, g.KW, g.SH, g.SW)
	case g.PH < 0 || g.PW < 0 || g.PH > g.KH/2 || g.PW > g.KW/2:
		return fmt.Errorf("pool: padding %dx%d must be between 0 and half the kernel %dx%d", g.PH, g.PW, g.KH, g.KW)
	}
	g.OH, g.OW = g.OutSize()
	if g.OH < 1 || g.OW < 1 {
		return fmt.Errorf("pool: output size %dx%d is empty (input %dx%d, kernel %dx%d, padding %dx%d)",
			g.OH, g.OW, g.H, g.W, g.KH, g.KW, g.PH, g.PW)
	}
	if err := checkStride("pool", "XStride", g.XStride, g.C*g.H*g.W); err != nil {
		return err
	}
	return checkStride("pool", "YStride", g.YStride, g.C*g.OH*g.OW)
}

// InLen and OutLen are the element counts of x and y.
func (g PoolGeom) InLen() int  { return g.N * g.C * g.H * g.W }
func (g PoolGeom) OutLen() int { return g.N * g.C * g.OH * g.OW }

// InSpan and OutSpan are the slice lengths x (dx) and y (dy) need:
// (N-1)*stride + the per-sample size; InLen and OutLen when dense.
func (g PoolGeom) InSpan() int  { return span(g.N, g.C*g.H*g.W, g.XStride) }
func (g PoolGeom) OutSpan() int { return span(g.N, g.C*g.OH*g.OW, g.YStride) }

// xPlane and yPlane return channel c of sample n of x (or dx) and of y
// (or dy).
func (g PoolGeom) xPlane(x []float32, n, c int) []float32 {
	o := n*orDense(g.XStride, g.C*g.H*g.W) + c*g.H*g.W
	return x[o : o+g.H*g.W]
}

func (g PoolGeom) yPlane(y []float32, n, c int) []float32 {
	o := n*orDense(g.YStride, g.C*g.OH*g.OW) + c*g.OH*g.OW
	return y[o : o+g.OH*g.OW]
}

// MaxPoolForward computes y = maxpool(x).
func MaxPoolForward(g PoolGeom, x, y []float32) {
	need("maxpool x", x, g.InSpan())
	need("maxpool y", y, g.OutSpan())
	t := poolTask{op: poolMaxForward, g: g, x: x, y: y}
	t.run()
}

// MaxPoolForwardArgmax is MaxPoolForward that also records each window's
// argmax (its index in the input plane) in argmax, dense N*C*OH*OW, for
// MaxPoolBackwardArgmax: training keeps the indices instead of the input.
func MaxPoolForwardArgmax(g PoolGeom, x, y []float32, argmax []int32) {
	need("maxpool x", x, g.InSpan())
	need("maxpool y", y, g.OutSpan())
	needIdx("maxpool argmax", argmax, g.OutLen())
	t := poolTask{op: poolMaxForward, g: g, x: x, y: y, arg: argmax}
	t.run()
}

// MaxPoolBackwardArgmax adds each dy to the input pixel MaxPoolForwardArgmax
// recorded for its window, windows in row-major order (the order matters where
// windows overlap).
func MaxPoolBackwardArgmax(g PoolGeom, argmax []int32, dy, dx []float32, accumulate bool) {
	needIdx("maxpool argmax", argmax, g.OutLen())
	need("maxpool dy", dy, g.OutSpan())
	need("maxpool dx", dx, g.InSpan())
	t := poolTask{op: poolMaxBackwardArgmax, g: g, y: dy, dx: dx, arg: argmax, acc: accumulate}
	t.run()
}

// argmax returns the plane index of the maximum of window (oh, ow), as
// PyTorch scans it: start at the first in-bounds pixel with -inf, replace
// on strictly greater or NaN.
func (g *PoolGeom) argmax(xp []float32, oh, ow int) int {
	h0, w0 := oh*g.SH-g.PH, ow*g.SW-g.PW
	h1, w1 := min(h0+g.KH, g.H), min(w0+g.KW, g.W)
	h0, w0 = max(h0, 0), max(w0, 0)
	best, idx := float32(math.Inf(-1)), h0*g.W+w0
	for ih := h0; ih < h1; ih++ {
		row := xp[ih*g.W : ih*g.W+w1]
		for iw := w0; iw < w1; iw++ {
			if v := row[iw]; v > best || v != v {
				best, idx = v, ih*g.W+iw
			}
		}
	}
	return idx
}

// avgWindow returns window (oh, ow)'s clipped input rectangle and divisor.
func (g *PoolGeom) avgWindow(oh, ow int) (h0, h1, w0, w1 int, div float32) {
	h0, w0 = oh*g.SH-g.PH, ow*g.SW-g.PW
	h1, w1 = min(h0+g.KH, g.H+g.PH), min(w0+g.KW, g.W+g.PW)
	poolSize := (h1 - h0) * (w1 - w0)
	h0, w0 = max(h0, 0), max(w0, 0)
	h1, w1 = min(h1, g.H), min(w1, g.W)
	if g.CountIncludePad {
		div = float32(poolSize)
	} else {
		div = float32((h1 - h0) * (w1 - w0))
	}
	return
}

// AvgPoolForward computes y = avgpool(x).
func AvgPoolForward(g PoolGeom, x, y []float32) {
	need("avgpool x", x, g.InSpan())
	need("avgpool y", y, g.OutSpan())
	t := poolTask{op: poolAvgForward, g: g, x: x, y: y}
	t.run()
}

// AvgPoolBackward spreads dy/divisor over each window's input pixels.
func AvgPoolBackward(g PoolGeom, dy, dx []float32, accumulate bool) {
	need("avgpool dy", dy, g.OutSpan())
	need("avgpool dx", dx, g.InSpan())
	t := poolTask{op: poolAvgBackward, g: g, y: dy, dx: dx, acc: accumulate}
	t.run()
}

// poolInterior is the output range [lo, hi) along one axis whose windows
// lie wholly inside the input (no padding, no clipping): the fast row
// kernels cover it, the per-window code the borders.
func poolInterior(in, k, stride, pad, out int) (lo, hi int) {
	lo = min(out, (pad+stride-1)/stride)
	hi = max(lo, min(out, floorDiv(in-k+pad, stride)+1))
	return lo, hi
}
