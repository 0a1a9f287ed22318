package kernels

// im2colRows is Im2col for one input channel plane xc, restricted to output
// rows [r0, r1) and writing into a wider matrix: tap (ki, kj)'s row is
// col[(ki*KW+kj)*ld:], output position (oh, ow) at column (oh-r0)*OW + ow.
// Batched convs place several samples (or a band of rows) side by side this
// way so that one GEMM covers them all.
func im2colRows(g ConvGeom, xc, col []float32, ld, r0, r1 int) {
	rows := r1 - r0
	if g.pointwise() {
		// The plane is the column matrix: one row, copied whole.
		copy(col[:rows*g.OW], xc[r0*g.W:r1*g.W])
		return
	}
	for ki := 0; ki < g.KH; ki++ {
		oa, ob := tapRows(g, ki, r0, r1)
		for kj := 0; kj < g.KW; kj++ {
			dst := col[(ki*g.KW+kj)*ld:][:rows*g.OW]
			offW := kj*g.DW - g.PW
			lo, hi := tapRange(offW, g.SW, g.W, g.OW)
			if oa >= ob || lo >= hi {
				clear(dst)
				continue
			}
			clear(dst[:(oa-r0)*g.OW])
			clear(dst[(ob-r0)*g.OW:])
			band := dst[(oa-r0)*g.OW : (ob-r0)*g.OW]
			if sameRows(g) {
				// Input and output rows are both W long and advance
				// together: the band is one run of the plane, shifted by
				// offW. What lands in the padding columns (neighbouring
				// rows' ends, or nothing past the plane) is zeroed after.
				start := (oa-g.PH+ki*g.DH)*g.W + offW
				a, b := max(0, -start), min(len(band), len(xc)-start)
				copy(band[a:b], xc[start+a:start+b])
				zeroPadColumns(band, g.OW, lo, hi)
				continue
			}
			for oh := oa; oh < ob; oh++ {
				d := band[(oh-oa)*g.OW : (oh-oa+1)*g.OW]
				ih := oh*g.SH - g.PH + ki*g.DH
				clear(d[:lo])
				clear(d[hi:])
				src := xc[ih*g.W : (ih+1)*g.W]
				if g.SW == 1 {
					copy(d[lo:hi], src[lo+offW:hi+offW])
					continue
				}
				for ow := lo; ow < hi; ow++ {
					d[ow] = src[ow*g.SW+offW]
				}
			}
		}
	}
}

// col2imRows is the adjoint of im2colRows: it adds the columns of output
// rows [r0, r1) back onto the input plane xc (padding taps are dropped).
// col is scratch: in the padding columns it may be zeroed.
func col2imRows(g ConvGeom, col []float32, ld int, xc []float32, r0, r1 int) {
	rows := r1 - r0
	if g.pointwise() {
		d := xc[r0*g.W : r1*g.W]
		for i, v := range col[:len(d)] {
			d[i] += v
		}
		return
	}
	for ki := 0; ki < g.KH; ki++ {
		oa, ob := tapRows(g, ki, r0, r1)
		if oa >= ob {
			continue
		}
		for kj := 0; kj < g.KW; kj++ {
			src := col[(ki*g.KW+kj)*ld:][:rows*g.OW]
			offW := kj*g.DW - g.PW
			lo, hi := tapRange(offW, g.SW, g.W, g.OW)
			if lo >= hi {
				continue
			}
			band := src[(oa-r0)*g.OW : (ob-r0)*g.OW]
			if sameRows(g) {
				// As in im2colRows: one run, after zeroing the padding
				// columns so that adding them changes nothing.
				zeroPadColumns(band, g.OW, lo, hi)
				start := (oa-g.PH+ki*g.DH)*g.W + offW
				a, b := max(0, -start), min(len(band), len(xc)-start)
				d := xc[start+a : start+b]
				for i, v := range band[a:b][:len(d)] {
					d[i] += v
				}
				continue
			}
			for oh := oa; oh < ob; oh++ {
				ih := oh*g.SH - g.PH + ki*g.DH
				s := band[(oh-oa)*g.OW : (oh-oa+1)*g.OW]
				d := xc[ih*g.W : (ih+1)*g.W]
				if g.SW == 1 {
					d = d[lo+offW : hi+offW]
					for i, v := range s[lo:hi] {
						d[i] += v
					}
					continue
				}
				for ow := lo; ow < hi; ow++ {
					d[ow*g.SW+offW] += s[ow]
				}
			}
		}
	}
}

// tapRows returns the output rows [oa, ob) within [r0, r1) whose input row
// under kernel row ki lies inside the image.
func tapRows(g ConvGeom, ki, r0, r1 int) (oa, ob int) {
	oa, ob = tapRange(ki*g.DH-g.PH, g.SH, g.H, g.OH)
	return max(oa, r0), max(min(ob, r1), max(oa, r0))
}

// sameRows: stride 1 and output rows as long as input rows (a "same"
// padded conv), so a band of output rows maps onto one run of the input.
func sameRows(g ConvGeom) bool { return g.SH == 1 && g.SW == 1 && g.W == g.OW }

// zeroPadColumns clears columns outside [lo, hi) of every row of band
// (rows w long): column by column, as the padding is a column or two.
func zeroPadColumns(band []float32, w, lo, hi int) {
	for c := 0; c < w; c++ {
		if c == lo {
			c = hi - 1
			continue
		}
		for o := c; o < len(band); o += w {
			band[o] = 0
		}
	}
}
