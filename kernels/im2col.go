package kernels

// Im2col unfolds one sample's c input channels x[c][H][W] (geometry g) into
// col[c*KH*KW][OH*OW]: row (ci, ki, kj) holds, for every output position,
// the input pixel under kernel tap (ki, kj), or 0 where the tap falls in the
// zero padding. conv = W[K][c*KH*KW] × col.
func Im2col(g ConvGeom, c int, x, col []float32) {
	ohw := g.OH * g.OW
	hw := g.H * g.W
	row := 0
	for ci := 0; ci < c; ci++ {
		xc := x[ci*hw : (ci+1)*hw]
		for ki := 0; ki < g.KH; ki++ {
			for kj := 0; kj < g.KW; kj++ {
				dst := col[row*ohw : (row+1)*ohw]
				row++
				offW := kj*g.DW - g.PW
				lo, hi := tapRange(offW, g.SW, g.W, g.OW)
				for oh := 0; oh < g.OH; oh++ {
					d := dst[oh*g.OW : (oh+1)*g.OW]
					ih := oh*g.SH - g.PH + ki*g.DH
					if ih < 0 || ih >= g.H || lo >= hi {
						clear(d)
						continue
					}
					clear(d[:lo])
					clear(d[hi:])
					src := xc[ih*g.W : (ih+1)*g.W]
					if g.SW == 1 {
						copy(d[lo:hi], src[lo+offW:hi+offW])
					} else {
						for ow := lo; ow < hi; ow++ {
							d[ow] = src[ow*g.SW+offW]
						}
					}
				}
			}
		}
	}
}

// Col2im is the adjoint of Im2col: it ADDS every col entry back onto the
// input pixel it was copied from (padding taps are dropped). The caller
// zeroes x first when it wants an overwrite.
func Col2im(g ConvGeom, c int, col, x []float32) {
	ohw := g.OH * g.OW
	hw := g.H * g.W
	row := 0
	for ci := 0; ci < c; ci++ {
		xc := x[ci*hw : (ci+1)*hw]
		for ki := 0; ki < g.KH; ki++ {
			for kj := 0; kj < g.KW; kj++ {
				src := col[row*ohw : (row+1)*ohw]
				row++
				offW := kj*g.DW - g.PW
				lo, hi := tapRange(offW, g.SW, g.W, g.OW)
				if lo >= hi {
					continue
				}
				for oh := 0; oh < g.OH; oh++ {
					ih := oh*g.SH - g.PH + ki*g.DH
					if ih < 0 || ih >= g.H {
						continue
					}
					s := src[oh*g.OW : (oh+1)*g.OW]
					d := xc[ih*g.W : (ih+1)*g.W]
					if g.SW == 1 {
						d = d[lo+offW : hi+offW]
						for i, v := range s[lo:hi] {
							d[i] += v
						}
					} else {
						for ow := lo; ow < hi; ow++ {
							d[ow*g.SW+offW] += s[ow]
						}
					}
				}
			}
		}
	}
}

// tapRange returns the output columns [lo, hi) whose input column
// ow*stride+off lies inside [0, w); outside it the tap reads padding.
func tapRange(off, stride, w, ow int) (lo, hi int) {
	if off < 0 {
		lo = (-off + stride - 1) / stride
	}
	if w-off > 0 {
		hi = (w - off + stride - 1) / stride
	}
	lo = min(lo, ow)
	hi = min(hi, ow)
	return lo, hi
}
