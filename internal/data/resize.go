package data

import "fmt"

// tap is one output coordinate's two source neighbours and their weights.
type tap struct {
	i0, i1 int
	w0, w1 float32
}

// Resizer is bilinear interpolation from inH×inW to outH×outW that
// reproduces PyTorch 1.13's CPU F.interpolate(mode="bilinear",
// align_corners=False, antialias=False) bit for bit on float32 images.
// Measured against PyTorch (tools/resize_fixture.py, and a probe over 6.6M
// pixels of 100 real images at 8 sizes), its rounding is:
//   - scale = float32(in)/float32(out), in float32;
//   - the source coordinate scale·(dst+0.5) − 0.5, clamped at 0, in float64;
//   - the right/lower weight λ1 rounded to float32, λ0 = 1 − λ1 in float32;
//   - each pixel's four weights are float32 products λy·λx, and the sum of
//     the four pixel×weight terms is formed in float64 and rounded once.
//
// A Resizer precomputes its taps, so build one per size pair and reuse it;
// it holds no scratch state and is safe for concurrent use.
type Resizer struct {
	inH, inW, outH, outW int
	rows, cols           []tap
}

// NewResizer prepares a resize from inH×inW to outH×outW (all > 0).
func NewResizer(inH, inW, outH, outW int) (*Resizer, error) {
	if inH <= 0 || inW <= 0 || outH <= 0 || outW <= 0 {
		return nil, fmt.Errorf("resize %d×%d to %d×%d: sizes must be positive", inH, inW, outH, outW)
	}
	return &Resizer{
		inH: inH, inW: inW, outH: outH, outW: outW,
		rows: linearTaps(inH, outH),
		cols: linearTaps(inW, outW),
	}, nil
}

// OutSize returns the output height and width.
func (r *Resizer) OutSize() (h, w int) { return r.outH, r.outW }

// linearTaps follows ATen's area_pixel_compute_scale,
// area_pixel_compute_source_index and compute_source_index_and_lambda: the
// right neighbour collapses onto the left at the last source pixel, and an
// unchanged size is an exact copy.
func linearTaps(in, out int) []tap {
	taps := make([]tap, out)
	if in == out {
		for i := range taps {
			taps[i] = tap{i0: i, i1: i, w0: 1, w1: 0}
		}
		return taps
	}
	scale := float64(float32(in) / float32(out))
	for dst := range taps {
		// The float64() blocks FMA fusion, which would change the rounding.
		src := float64(scale*(float64(dst)+0.5)) - 0.5
		if src < 0 {
			src = 0
		}
		i0 := int(src) // src ≥ 0, so truncation is floor
		offset := 0
		if i0 < in-1 {
			offset = 1
		}
		w1 := float32(min(max(src-float64(i0), 0), 1))
		taps[dst] = tap{i0: i0, i1: i0 + offset, w0: 1 - w1, w1: w1}
	}
	return taps
}

// Resize writes the resized src (inH×inW) into dst (outH×outW).
func (r *Resizer) Resize(dst, src []float32) {
	r.checkLens(len(dst), len(src))
	for y, ty := range r.rows {
		top := src[ty.i0*r.inW : (ty.i0+1)*r.inW]
		bottom := src[ty.i1*r.inW : (ty.i1+1)*r.inW]
		out := dst[y*r.outW : (y+1)*r.outW]
		for x, tx := range r.cols {
			// float32 weight products; each product with a float32 pixel is
			// exact in float64, so only the final conversion rounds.
			w00, w01 := float64(ty.w0*tx.w0), float64(ty.w0*tx.w1)
			w10, w11 := float64(ty.w1*tx.w0), float64(ty.w1*tx.w1)
			out[x] = float32(float64(top[tx.i0])*w00 + float64(top[tx.i1])*w01 +
				float64(bottom[tx.i0])*w10 + float64(bottom[tx.i1])*w11)
		}
	}
}

// ResizeBytes scales src's bytes to [0,1] (float32(x)/255, as torchvision's
// ToTensor does) and resizes them into dst.
func (r *Resizer) ResizeBytes(dst []float32, src []uint8) {
	r.checkLens(len(dst), len(src))
	for y, ty := range r.rows {
		top := src[ty.i0*r.inW : (ty.i0+1)*r.inW]
		bottom := src[ty.i1*r.inW : (ty.i1+1)*r.inW]
		out := dst[y*r.outW : (y+1)*r.outW]
		for x, tx := range r.cols {
			w00, w01 := float64(ty.w0*tx.w0), float64(ty.w0*tx.w1)
			w10, w11 := float64(ty.w1*tx.w0), float64(ty.w1*tx.w1)
			out[x] = float32(unitScale[top[tx.i0]]*w00 + unitScale[top[tx.i1]]*w01 +
				unitScale[bottom[tx.i0]]*w10 + unitScale[bottom[tx.i1]]*w11)
		}
	}
}

func (r *Resizer) checkLens(dst, src int) {
	if src != r.inH*r.inW || dst != r.outH*r.outW {
		panic(fmt.Sprintf("data: Resizer %d×%d→%d×%d given src of %d and dst of %d values",
			r.inH, r.inW, r.outH, r.outW, src, dst))
	}
}

// unitScale maps a byte x to float32(x)/255 (rounded once, as PyTorch's
// float32 division rounds it), widened exactly to float64.
var unitScale = func() (t [256]float64) {
	for i := range t {
		t[i] = float64(float32(i) / 255)
	}
	return t
}()
