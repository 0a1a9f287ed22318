package kernels

// Average pooling with 2x2 windows at stride 2 wholly inside the plane
// (LeNet's pools): each 16 outputs come from 32 floats of two input rows,
// split into even and odd columns and summed in avgForwardPlane's order,
// so the bits are the same. The scalar loop (a division per window and
// rows of 12 or 4 outputs) took 13% of LeNet-BN's inference step.

// avg2x2Args is one plane for the kernel; the offsets are the assembly's.
type avg2x2Args struct {
	x, y      *float32
	rowBytes  int // bytes per input row
	rows      int // output rows
	full      int // whole 16-output chunks per row
	ka, kb    uint64
	ks        uint64 // tail: input masks of the two 16-float halves, output mask
	scale     float32
	_         float32
	tailBytes int // output bytes of the tail
}

// avg2x2Fast reports whether the kernel computes g's planes: 2x2 windows,
// stride 2, no padding, every window inside the plane (so each divisor
// is 4, a power of two: scaling by 1/4 is the division's bits).
func (g *PoolGeom) avg2x2Fast() bool {
	return (haveAvg2x2AVX512 || haveAvg2x2AVX2 && avg2x2AVX2Width(g.OW)) && g.KH == 2 && g.KW == 2 && g.SH == 2 && g.SW == 2 && g.PH == 0 && g.PW == 0 &&
		2*g.OH <= g.H && 2*g.OW <= g.W
}

// avg2x2Planes pools planes [lo, hi) (sample-major, as poolTask numbers
// them) when the input has no row the windows skip (H = 2*OH): a sample's
// consecutive channel planes are then one tall plane, one kernel call for
// LeNet's 16 planes of 4x4 outputs instead of sixteen.
func avg2x2Planes(g *PoolGeom, x, y []float32, lo, hi int) {
	for p := lo; p < hi; {
		n, c := p/g.C, p%g.C
		planes := min(hi-p, g.C-c)
		xs, ys := g.xPlane(x, n, c), g.yPlane(y, n, c)
		avg2x2Rows(g, xs[:planes*g.H*g.W], ys[:planes*g.OH*g.OW], planes*g.OH)
		p += planes
	}
}

func avg2x2Plane(g *PoolGeom, xp, yp []float32) { avg2x2Rows(g, xp, yp, g.OH) }

// avg2x2Rows pools rows output rows from xp (2*rows input rows) into yp.
func avg2x2Rows(g *PoolGeom, xp, yp []float32, rows int) {
	if !haveAvg2x2AVX512 {
		avg2x2RowsAVX2(g, xp, yp, rows)
		return
	}
	_, _ = xp[2*rows*g.W-1], yp[rows*g.OW-1]
	tail := g.OW % 16
	in := uint64(1)<<(2*tail) - 1
	a := avg2x2Args{x: &xp[0], y: &yp[0], rowBytes: 4 * g.W, rows: rows, full: g.OW / 16,
		ka: in & 0xffff, kb: in >> 16, ks: uint64(1)<<tail - 1, scale: 0.25, tailBytes: 4 * tail}
	avg2x2s2AVX512(&a)
}
