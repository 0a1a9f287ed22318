package kernels

// Winograd F(2x2,3x3) tile transforms, a segment of up to winoSeg tiles of
// one tile row at a time.
//
// The 16 transformed values of a tile belong to 16 different matrices (one
// GEMM each), a run-time stride apart. Addressing them directly costs a
// slice header load and a bounds check per element, which made the
// transforms slower than the GEMMs; instead each segment is staged in
// winoScratch.stage, whose 16 rows are a compile-time stride apart, and
// moved to or from the matrices with one copy per row.

// winoSeg is how many tiles a transform handles per pass.
const winoSeg = 64

// winoScratch is a transform's working memory, on the stack of the parallel
// task (about 7 KiB).
type winoScratch struct {
	rows  [4][2*winoSeg + 2]float32 // input rows (Bᵀ d), or output/gradient rows
	stage [16][winoSeg]float32
}

// input computes Bᵀ d B for n tiles whose 4x4 input windows start at row
// ih0 and column iw0 of plane (ih x iw; zero outside it) into stage
// columns [at, at+n).
func (s *winoScratch) input(plane []float32, ih, iw, ih0, iw0, at, n int) {
	w := 2*n + 2
	lo, hi := max(0, -iw0), min(w, iw-iw0) // segment columns inside the plane
	r0, r1, r2, r3 := s.rows[0][:w], s.rows[1][:w], s.rows[2][:w], s.rows[3][:w]
	if ih0 >= 0 && ih0+4 <= ih && lo < hi {
		// All four rows exist: Bᵀ d straight from the plane.
		x0 := plane[ih0*iw+iw0+lo : ih0*iw+iw0+hi]
		x1 := plane[(ih0+1)*iw+iw0+lo:][:len(x0)]
		x2 := plane[(ih0+2)*iw+iw0+lo:][:len(x0)]
		x3 := plane[(ih0+3)*iw+iw0+lo:][:len(x0)]
		d0, d1, d2, d3 := r0[lo:hi], r1[lo:hi], r2[lo:hi], r3[lo:hi]
		d1, d2, d3 = d1[:len(d0)], d2[:len(d0)], d3[:len(d0)]
		for j := range d0 {
			a, b, c, d := x0[j], x1[j], x2[j], x3[j]
			d0[j], d1[j], d2[j], d3[j] = a-c, b+c, c-b, b-d
		}
		for _, r := range [][]float32{r0, r1, r2, r3} {
			clear(r[:lo])
			clear(r[hi:])
		}
	} else {
		// Top or bottom edge: copy the rows that exist, zero-padded, and
		// combine them in place.
		for i, r := range [][]float32{r0, r1, r2, r3} {
			y := ih0 + i
			if y < 0 || y >= ih || lo >= hi {
				clear(r)
				continue
			}
			clear(r[:lo])
			copy(r[lo:hi], plane[y*iw+iw0+lo:y*iw+iw0+hi])
			clear(r[hi:])
		}
		r1, r2, r3 = r1[:len(r0)], r2[:len(r0)], r3[:len(r0)]
		for j := range r0 {
			a, b, c, d := r0[j], r1[j], r2[j], r3[j]
			r0[j], r1[j], r2[j], r3[j] = a-c, b+c, c-b, b-d
		}
	}
	// (Bᵀ d) B: the same combination of each tile's four columns. Written
	// out with constant row indices, which the compiler folds into the
	// addressing (a loop over rows recomputes every row address).
	st, r := &s.stage, &s.rows
	if at < 0 || at+n > winoSeg {
		panic("kernels: winograd stage overflow")
	}
	for j := at; j < at+n; j++ {
		c := 2 * (j - at)
		a, b, x, d := r[0][c], r[0][c+1], r[0][c+2], r[0][c+3]
		st[0][j], st[1][j], st[2][j], st[3][j] = a-x, b+x, x-b, b-d
		a, b, x, d = r[1][c], r[1][c+1], r[1][c+2], r[1][c+3]
		st[4][j], st[5][j], st[6][j], st[7][j] = a-x, b+x, x-b, b-d
		a, b, x, d = r[2][c], r[2][c+1], r[2][c+2], r[2][c+3]
		st[8][j], st[9][j], st[10][j], st[11][j] = a-x, b+x, x-b, b-d
		a, b, x, d = r[3][c], r[3][c+1], r[3][c+2], r[3][c+3]
		st[12][j], st[13][j], st[14][j], st[15][j] = a-x, b+x, x-b, b-d
	}
}

// output computes Aᵀ M A for staged tiles [at, at+n): the two output rows
// of tile at+j go to rows[0] and rows[1], columns 2j and 2j+1.
func (s *winoScratch) output(at, n int) {
	st := &s.stage
	y0, y1 := &s.rows[0], &s.rows[1]
	if at < 0 || at+n > winoSeg {
		panic("kernels: winograd stage overflow")
	}
	for j := at; j < at+n; j++ {
		// Aᵀ M: rows s (0+1+2) and d (1-2-3) of the 4 columns.
		s0 := st[0][j] + st[4][j] + st[8][j]
		s1 := st[1][j] + st[5][j] + st[9][j]
		s2 := st[2][j] + st[6][j] + st[10][j]
		s3 := st[3][j] + st[7][j] + st[11][j]
		d0 := st[4][j] - st[8][j] - st[12][j]
		d1 := st[5][j] - st[9][j] - st[13][j]
		d2 := st[6][j] - st[10][j] - st[14][j]
		d3 := st[7][j] - st[11][j] - st[15][j]
		c := 2 * (j - at)
		y0[c], y0[c+1] = s0+s1+s2, s1-s2-s3
		y1[c], y1[c+1] = d0+d1+d2, d1-d2-d3
	}
}

// gradOut computes A e Aᵀ for the n 2x2 tiles in rows[0] and rows[1]
// (columns 2j, 2j+1) into stage columns [at, at+n).
func (s *winoScratch) gradOut(at, n int) {
	st := &s.stage
	e0, e1 := &s.rows[0], &s.rows[1]
	if at < 0 || at+n > winoSeg {
		panic("kernels: winograd stage overflow")
	}
	for j := at; j < at+n; j++ {
		c := 2 * (j - at)
		a, b, x, d := e0[c], e0[c+1], e1[c], e1[c+1]
		// A e: rows [a b], [a+x b+d], [a-x b-d], [-x -d]; then each row
		// (p, q) -> [p, p+q, p-q, -q].
		p, q := a, b
		st[0][j], st[1][j], st[2][j], st[3][j] = p, p+q, p-q, -q
		p, q = a+x, b+d
		st[4][j], st[5][j], st[6][j], st[7][j] = p, p+q, p-q, -q
		p, q = a-x, b-d
		st[8][j], st[9][j], st[10][j], st[11][j] = p, p+q, p-q, -q
		p, q = -x, -d
		st[12][j], st[13][j], st[14][j], st[15][j] = p, p+q, p-q, -q
	}
}

// put copies n staged tiles to the 16 matrices at dst[ξν*stride].
func (s *winoScratch) put(dst []float32, stride, n int) {
	for i := range s.stage {
		copy(dst[i*stride:][:n], s.stage[i][:n])
	}
}

// get stages n tiles from the 16 matrices at src[ξν*stride].
func (s *winoScratch) get(src []float32, stride, n int) {
	for i := range s.stage {
		copy(s.stage[i][:n], src[i*stride:][:n])
	}
}
