package data

import "math"

// ResizeGeneric is Resize with the rounding of PyTorch 1.13's generic CPU bilinear
// kernel, the one F.interpolate takes for an N×C×H×W tensor that is not channels-last
// contiguous: an image of more than one channel, or a crop view narrower than its image
// (torchvision's resized crop). Resize reproduces the other kernel, which a contiguous
// 1-channel image takes. Found against PyTorch (tools/augment_fixture.py's outputs),
// with the same taps as Resize:
//   - along the width first, each of the two source rows gives
//     t = fma(p0, λx0, float32(p1·λx1)) in float32;
//   - then out = fma(t0, λy0, float32(t1·λy1)) in float32.
func (r *Resizer) ResizeGeneric(dst, src []float32) {
	r.checkLens(len(dst), len(src))
	for y, ty := range r.rows {
		top := src[ty.i0*r.inW : (ty.i0+1)*r.inW]
		bottom := src[ty.i1*r.inW : (ty.i1+1)*r.inW]
		out := dst[y*r.outW : (y+1)*r.outW]
		for x, tx := range r.cols {
			t0 := fma32(top[tx.i0], tx.w0, float32(top[tx.i1]*tx.w1))
			t1 := fma32(bottom[tx.i0], tx.w0, float32(bottom[tx.i1]*tx.w1))
			out[x] = fma32(t0, ty.w0, float32(t1*ty.w1))
		}
	}
}

// ResizeBytesGeneric is ResizeGeneric of src's bytes scaled to [0,1] (x/255 in float32).
func (r *Resizer) ResizeBytesGeneric(dst []float32, src []uint8) {
	r.checkLens(len(dst), len(src))
	for y, ty := range r.rows {
		top := src[ty.i0*r.inW : (ty.i0+1)*r.inW]
		bottom := src[ty.i1*r.inW : (ty.i1+1)*r.inW]
		out := dst[y*r.outW : (y+1)*r.outW]
		for x, tx := range r.cols {
			t0 := fma32(unit32[top[tx.i0]], tx.w0, float32(unit32[top[tx.i1]]*tx.w1))
			t1 := fma32(unit32[bottom[tx.i0]], tx.w0, float32(unit32[bottom[tx.i1]]*tx.w1))
			out[x] = fma32(t0, ty.w0, float32(t1*ty.w1))
		}
	}
}

// fma32 is a·b + c rounded once to float32: the float64 product of two float32 values is
// exact, and the float64 sum is rounded again to float32 (a double rounding that differs
// from a float32 FMA only when the float64 sum lands exactly on a float32 midpoint).
func fma32(a, b, c float32) float32 {
	return float32(math.FMA(float64(a), float64(b), float64(c)))
}

// unit32 maps a byte x to float32(x)/255.
var unit32 = func() (t [256]float32) {
	for i := range t {
		t[i] = float32(i) / 255
	}
	return t
}()
