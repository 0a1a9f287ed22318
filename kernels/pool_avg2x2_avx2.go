package kernels

// The 2x2 stride-2 average pooling kernel on AVX2 (no AVX-512): rows of a
// multiple of 4 outputs (LeNet's 12 and 4) in chunks of 8 and 4, no masks;
// other widths keep the scalar loop. Same order of sums as the AVX-512
// kernel and avgForwardPlane, so the same bits.

// avg2x2AVX2Args is one run of rows for the kernel; the offsets are the
// assembly's.
type avg2x2AVX2Args struct {
	x, y     *float32
	rowBytes int // bytes per input row
	rows     int // output rows
	eights   int // chunks of 8 outputs per row
	four     int // 1 when a chunk of 4 follows them
	scale    float32
}

// avg2x2AVX2Width reports whether the AVX2 kernel covers rows of ow outputs.
func avg2x2AVX2Width(ow int) bool { return ow%4 == 0 }

// avg2x2RowsAVX2 is avg2x2Rows on the AVX2 kernel.
func avg2x2RowsAVX2(g *PoolGeom, xp, yp []float32, rows int) {
	_, _ = xp[2*rows*g.W-1], yp[rows*g.OW-1]
	a := avg2x2AVX2Args{x: &xp[0], y: &yp[0], rowBytes: 4 * g.W, rows: rows, eights: g.OW / 8,
		four: g.OW % 8 / 4, scale: 0.25}
	avg2x2s2AVX2(&a)
}
