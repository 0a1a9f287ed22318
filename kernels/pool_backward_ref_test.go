package kernels

// MaxPoolBackward routes each dy to the argmax of its window, recomputed from x, one
// plane after another: the tests' second way to the gradient that the runner's
// MaxPoolForwardArgmax / MaxPoolBackwardArgmax pair computes.
func MaxPoolBackward(g PoolGeom, x, dy, dx []float32, accumulate bool) {
	need("maxpool x", x, g.InSpan())
	need("maxpool dy", dy, g.OutSpan())
	need("maxpool dx", dx, g.InSpan())
	var scratch poolScratch
	for n := 0; n < g.N; n++ {
		for c := 0; c < g.C; c++ {
			maxBackwardPlane(&g, g.xPlane(x, n, c), g.yPlane(dy, n, c), g.xPlane(dx, n, c), accumulate, &scratch)
		}
	}
}

// maxBackwardPlane adds each dy to its window's argmax, windows in
// row-major order (the order matters where windows overlap).
func maxBackwardPlane(g *PoolGeom, xp, dyp, dxp []float32, acc bool, s *poolScratch) {
	if !acc {
		clear(dxp)
	}
	if !g.maxFast(xp) {
		for oh := 0; oh < g.OH; oh++ {
			for ow := 0; ow < g.OW; ow++ {
				dxp[g.argmax(xp, oh, ow)] += dyp[oh*g.OW+ow]
			}
		}
		return
	}
	xb := float32Bits(xp)
	if g.separable() {
		s.rows.start(xb)
		for oh := 0; oh < g.OH; oh++ {
			dyr := dyp[oh*g.OW : (oh+1)*g.OW]
			for j, i := range s.rows.windows(g, oh)[:len(dyr)] {
				dxp[i] += dyr[j]
			}
		}
		return
	}
	idx := &s.idx
	wLo, wHi := poolInterior(g.W, g.KW, g.SW, g.PW, g.OW)
	for oh := 0; oh < g.OH; oh++ {
		dyr := dyp[oh*g.OW : (oh+1)*g.OW]
		for ow := 0; ow < wLo; ow++ {
			dxp[g.argmaxKeys(xb, oh, ow)] += dyr[ow]
		}
		rows := g.windowRows(oh)
		for ow := wLo; ow < wHi; ow += poolRowBlock {
			k := idx[:min(poolRowBlock, wHi-ow)]
			g.argmaxRun(xb, rows, ow*g.SW-g.PW, k)
			d := dyr[ow : ow+len(k)]
			for j, i := range k {
				dxp[i] += d[j]
			}
		}
		for ow := wHi; ow < g.OW; ow++ {
			dxp[g.argmaxKeys(xb, oh, ow)] += dyr[ow]
		}
	}
}
