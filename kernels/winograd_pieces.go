package kernels

// The transforms' drivers for the vector tile transforms (haveWinoVec):
// a plane's tiles of rows [r0, r1) are taken a piece at a time, a piece
// being up to winoSeg consecutive tiles of one tile row, and transformed
// straight between the plane and the 16 GEMM matrices (no staging copy).

// winoPieces calls f for each piece of a chunk's plane: tile row th,
// tiles [tw0, tw0+n), whose matrix column is col.
func (wg winoGeom) winoPieces(r0, r1 int, f func(th, tw0, n, col int)) {
	col := 0
	for th := r0; th < r1; th++ {
		for tw0 := 0; tw0 < wg.tw; tw0 += winoSeg {
			n := min(winoSeg, wg.tw-tw0)
			f(th, tw0, n, col)
			col += n
		}
	}
}

// winoBandTileRows is how many tile rows winoInputPieces stages at once.
// Consecutive tile rows share two input rows, so a band of them copies
// each input row about once instead of twice, in one call per row.
const winoBandTileRows = 8

// winoBand holds the raw input rows of a band of tile rows (2 per tile row
// and the 2 below), zero past the plane's edges: 18 x 130 floats, 9.4 KiB.
type winoBand [2*winoBandTileRows + 2][2*winoSeg + 2]float32

// winoInputPieces is winoInput by the vector transform: the raw input rows
// of up to winoBandTileRows tile rows and winoSeg tiles a row are copied,
// zero-padded past the plane's edges, into a band and each tile row is
// transformed from there.
func (t *convTask) winoInputPieces(lo, hi int) {
	wg := t.wg
	vs := winoMat(wg.cin * t.ld)
	var band winoBand
	buf, scratch := t.preScratch(wg.ih * wg.iw)
	if buf != nil {
		defer prePlanes.Put(buf)
	}
	a, b := wg.inputRows(t.c.r0, t.c.r1)
	for it := lo; it < hi; it++ {
		s, ci := it/wg.cin, it%wg.cin
		p, offH, offW := wg.inputPlane(ci)
		o := (t.c.n0+s)*wg.xs + p*wg.ih*wg.iw
		plane := t.preRows(t.src[o:o+wg.ih*wg.iw], scratch, p, wg.iw, a, b)
		v := t.dst[ci*t.ld+s*t.pcols:]
		for tw0 := 0; tw0 < wg.tw; tw0 += winoSeg {
			n := min(winoSeg, wg.tw-tw0)
			iw0, w := 2*tw0+offW, 2*n+2
			lo, hi := max(0, -iw0), min(w, wg.iw-iw0) // columns inside the plane
			for th0 := t.c.r0; th0 < t.c.r1; th0 += winoBandTileRows {
				k := min(winoBandTileRows, t.c.r1-th0)
				ih0 := 2*th0 + offH
				for i := range 2*k + 2 {
					r, y := band[i][:w], ih0+i
					if y < 0 || y >= wg.ih || lo >= hi {
						clear(r)
						continue
					}
					for j := range lo {
						r[j] = 0
					}
					copy(r[lo:hi], plane[y*wg.iw+iw0+lo:y*wg.iw+iw0+hi])
					for j := hi; j < w; j++ {
						r[j] = 0
					}
				}
				for j := range k {
					col := (th0+j-t.c.r0)*wg.tw + tw0
					band.winoInputVec(2*j, v[col:], vs, wg.inputStoreTiles(n, t.pcols-col))
				}
			}
		}
	}
}

// inputStoreTiles is how many tiles the vector input transform of a piece
// of n tiles, left tiles before the end of its plane's columns, stores:
// n rounded up to whole vectors of 8 when the extra columns belong to the
// plane's later tile rows, which the same item transforms afterwards and
// so overwrites (rows of at most one segment are done in column order);
// else n, whose last partial vector then takes masked stores, which are
// microcoded on AMD and cost more than the transform on maps of 3-12
// tiles a row (ResNet's and GoogLeNet's).
func (wg winoGeom) inputStoreTiles(n, left int) int {
	if r := (n + 7) &^ 7; wg.tw <= winoSeg && r <= left {
		return r
	}
	return n
}

// winoOutputPieces is winoOutput by the vector transform, which also adds
// the bias and applies the ReLU.
func (t *convTask) winoOutputPieces(lo, hi int) {
	wg := t.wg
	ms := winoMat(wg.cout * t.ld)
	var sc winoScratch
	for it := lo; it < hi; it++ {
		s, k := it/wg.cout, it%wg.cout
		o := (t.c.n0+s)*wg.ys + k*wg.oh*wg.ow
		plane := t.dst[o : o+wg.oh*wg.ow]
		var bias float32
		if t.bias != nil {
			bias = t.bias[k]
		}
		m := t.src[k*t.ld+s*t.pcols:]
		wg.winoPieces(t.c.r0, t.c.r1, func(th, tw0, n, col int) {
			sc.winoOutputVec(m[col:], ms, n, bias, t.relu && !t.acc)
			oh, ow := 2*th, 2*tw0
			cols := min(2*n, wg.ow-ow)
			for r := 0; r < 2 && oh+r < wg.oh; r++ {
				y, src := plane[(oh+r)*wg.ow+ow:][:cols], sc.rows[r][:cols]
				if !t.acc {
					copy(y, src)
					continue
				}
				for i, v := range src { // v is already src + bias, as in finishRow
					y[i] += v
				}
			}
		})
	}
}

// winoGradRows holds the two output-gradient rows of up to winoSeg tiles
// (tile j at columns 2j, 2j+1), zero past the plane's edges; the vector
// transform reads whole blocks of 8 tiles, so the rows are 2*winoSeg long.
type winoGradRows [2][2 * winoSeg]float32

// winoGradOutPieces is winoGradOut by the vector transform: the same
// segments of up to winoSeg tiles, spanning tile rows when rows are short,
// gathered into two rows and transformed straight into the 16 matrices.
func (t *convTask) winoGradOutPieces(lo, hi int) {
	wg := t.wg
	zs := winoMat(wg.cout * t.ld)
	var rows winoGradRows
	t.winoGradOutItems(lo, hi, func(plane, z []float32) {
		for t0 := 0; t0 < t.pcols; t0 += winoSeg {
			n := min(winoSeg, t.pcols-t0)
			wg.winoGradOutRuns(plane, t.c.r0, t0, n, rows[0][:], rows[1][:], true, nil)
			rows.winoGradOutVec(z[t0:], zs, n)
		}
	})
}

// winoGradOutItems calls f for each item (sample s, output channel k) of
// [lo, hi) with the item's dy plane and its columns of the 16 matrices.
func (t *convTask) winoGradOutItems(lo, hi int, f func(plane, z []float32)) {
	wg := t.wg
	for it := lo; it < hi; it++ {
		s, k := it/wg.cout, it%wg.cout
		o := (t.c.n0+s)*wg.ys + k*wg.oh*wg.ow
		f(t.src[o:o+wg.oh*wg.ow], t.dst[k*t.ld+s*t.pcols:])
	}
}

// winoGradOutRuns splits the segment of n tiles from the chunk's tile t0
// (tile rows from r0) into runs lying in one tile row and gathers each
// run's two dy rows (2 floats a tile, zero past the plane's edges) into
// row0 and row1: at the run's place in the segment when packed (the
// vector transform takes the whole segment), else at their start, with
// each called after every run (the Go transform takes a run at a time).
func (wg winoGeom) winoGradOutRuns(plane []float32, r0, t0, n int, row0, row1 []float32, packed bool, each func(at, cnt int)) {
	for at := 0; at < n; {
		th, tw := r0+(t0+at)/wg.tw, (t0+at)%wg.tw
		cnt := min(n-at, wg.tw-tw)
		oh, ow := 2*th, 2*tw
		cols := min(2*cnt, wg.ow-ow)
		d := 0
		if packed {
			d = 2 * at
		}
		for r, dst := range [2][]float32{row0, row1} {
			row := dst[d : d+2*cnt]
			if oh+r < wg.oh {
				copy(row, plane[(oh+r)*wg.ow+ow:][:cols])
				clear(row[cols:])
			} else {
				clear(row)
			}
		}
		if each != nil {
			each(at, cnt)
		}
		at += cnt
	}
}
