package kernels

// Average pooling of one plane. The windows lying wholly inside the plane
// (where both divisors are KH*KW) go through unrolled 2x2 and 3x3 row loops;
// the border windows, and other window sizes, through avgWindow. Sums run in
// row-major order from 0 and each window's share is dy/divisor, added to dx
// in row-major window order, exactly as the per-window code does, so both
// paths give the same bits.

// avgRows returns the output rows and columns the row loops take.
func (g *PoolGeom) avgRows() (hLo, hHi, wLo, wHi int) {
	if g.KH != g.KW || (g.KH != 2 && g.KH != 3) {
		return 0, 0, 0, 0
	}
	hLo, hHi = poolInterior(g.H, g.KH, g.SH, g.PH, g.OH)
	wLo, wHi = poolInterior(g.W, g.KW, g.SW, g.PW, g.OW)
	return hLo, hHi, wLo, wHi
}

func avgForwardPlane(g *PoolGeom, xp, yp []float32) {
	if g.avg2x2Fast() {
		avg2x2Plane(g, xp, yp)
		return
	}
	hLo, hHi, wLo, wHi := g.avgRows()
	div := float32(g.KH * g.KW)
	for oh := 0; oh < g.OH; oh++ {
		yr := yp[oh*g.OW : (oh+1)*g.OW]
		lo, hi := wLo, wHi
		if oh < hLo || oh >= hHi {
			lo, hi = g.OW, g.OW
		}
		for ow := 0; ow < lo; ow++ {
			yr[ow] = g.avgAt(xp, oh, ow)
		}
		if lo < hi {
			h0, w, s := oh*g.SH-g.PH, g.W, g.SW
			out := yr[lo:hi]
			r0 := xp[h0*w : (h0+1)*w]
			r1 := xp[(h0+1)*w : (h0+2)*w]
			if g.KH == 2 {
				for j := range out {
					c := (lo+j)*s - g.PW
					a, b := r0[c:c+2:c+2], r1[c:c+2:c+2]
					var sum float32
					sum += a[0]
					sum += a[1]
					sum += b[0]
					sum += b[1]
					out[j] = sum / div
				}
			} else {
				r2 := xp[(h0+2)*w : (h0+3)*w]
				for j := range out {
					c := (lo+j)*s - g.PW
					a, b, e := r0[c:c+3:c+3], r1[c:c+3:c+3], r2[c:c+3:c+3]
					var sum float32
					sum += a[0]
					sum += a[1]
					sum += a[2]
					sum += b[0]
					sum += b[1]
					sum += b[2]
					sum += e[0]
					sum += e[1]
					sum += e[2]
					out[j] = sum / div
				}
			}
		}
		for ow := hi; ow < g.OW; ow++ {
			yr[ow] = g.avgAt(xp, oh, ow)
		}
	}
}

func avgBackwardPlane(g *PoolGeom, dyp, dxp []float32, acc bool) {
	if g.avg2x2BackwardFast() {
		avg2x2BackwardPlane(g, dyp, dxp, acc)
		return
	}
	if !acc {
		clear(dxp)
	}
	hLo, hHi, wLo, wHi := g.avgRows()
	div := float32(g.KH * g.KW)
	for oh := 0; oh < g.OH; oh++ {
		dyr := dyp[oh*g.OW : (oh+1)*g.OW]
		lo, hi := wLo, wHi
		if oh < hLo || oh >= hHi {
			lo, hi = g.OW, g.OW
		}
		for ow := 0; ow < lo; ow++ {
			g.avgSpread(dxp, oh, ow, dyr[ow])
		}
		if lo < hi {
			h0, w, s := oh*g.SH-g.PH, g.W, g.SW
			in := dyr[lo:hi]
			r0 := dxp[h0*w : (h0+1)*w]
			r1 := dxp[(h0+1)*w : (h0+2)*w]
			if g.KH == 2 {
				for j, dv := range in {
					c := (lo+j)*s - g.PW
					a, b := r0[c:c+2:c+2], r1[c:c+2:c+2]
					d := dv / div
					a[0] += d
					a[1] += d
					b[0] += d
					b[1] += d
				}
			} else {
				r2 := dxp[(h0+2)*w : (h0+3)*w]
				for j, dv := range in {
					c := (lo+j)*s - g.PW
					a, b, e := r0[c:c+3:c+3], r1[c:c+3:c+3], r2[c:c+3:c+3]
					d := dv / div
					a[0] += d
					a[1] += d
					a[2] += d
					b[0] += d
					b[1] += d
					b[2] += d
					e[0] += d
					e[1] += d
					e[2] += d
				}
			}
		}
		for ow := hi; ow < g.OW; ow++ {
			g.avgSpread(dxp, oh, ow, dyr[ow])
		}
	}
}

// avgAt is window (oh, ow)'s average, any window.
func (g *PoolGeom) avgAt(xp []float32, oh, ow int) float32 {
	h0, h1, w0, w1, div := g.avgWindow(oh, ow)
	// An empty window (impossible after Init's checks) gives 0, as in
	// PyTorch.
	if h0 >= h1 || w0 >= w1 {
		return 0
	}
	var s float32
	for ih := h0; ih < h1; ih++ {
		for _, v := range xp[ih*g.W+w0 : ih*g.W+w1] {
			s += v
		}
	}
	return s / div
}

// avgSpread adds dy/divisor to window (oh, ow)'s input pixels, any window.
func (g *PoolGeom) avgSpread(dxp []float32, oh, ow int, dy float32) {
	h0, h1, w0, w1, div := g.avgWindow(oh, ow)
	d := dy / div
	for ih := h0; ih < h1; ih++ {
		row := dxp[ih*g.W+w0 : ih*g.W+w1]
		for i := range row {
			row[i] += d
		}
	}
}
