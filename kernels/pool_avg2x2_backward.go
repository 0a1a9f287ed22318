package kernels

// Average pooling backward for 2x2 windows at stride 2 wholly inside the
// plane (LeNet's pools). The windows do not overlap, so each input pixel
// takes at most one share, and the divisor 4 is a power of two: scaling by
// 0.25 is the division's bits. The per-window loop divided once per window
// and read LeNet-BN's two pools at 5x their forward time.

// avg2x2BackwardFast reports whether avg2x2BackwardPlane computes g's planes.
func (g *PoolGeom) avg2x2BackwardFast() bool {
	return g.KH == 2 && g.KW == 2 && g.SH == 2 && g.SW == 2 && g.PH == 0 && g.PW == 0 &&
		2*g.OH <= g.H && 2*g.OW <= g.W
}

// avg2x2BackwardPlane adds dy/4 to each window's four pixels. With acc
// false it stores 0 + dy/4 (so -0 becomes +0, as the general path's
// clear-then-add does) and clears only the last row and column that no
// window covers, instead of clearing the plane and adding.
func avg2x2BackwardPlane(g *PoolGeom, dyp, dxp []float32, acc bool) {
	w := g.W
	for oh := 0; oh < g.OH; oh++ {
		dyr := dyp[oh*g.OW : (oh+1)*g.OW]
		r0 := dxp[2*oh*w : (2*oh+1)*w]
		r1 := dxp[(2*oh+1)*w : (2*oh+2)*w]
		if !acc {
			for j, dv := range dyr {
				d := dv*0.25 + 0
				a, b := r0[2*j:2*j+2:2*j+2], r1[2*j:2*j+2:2*j+2]
				a[0], a[1] = d, d
				b[0], b[1] = d, d
			}
			clear(r0[2*g.OW:])
			clear(r1[2*g.OW:])
			continue
		}
		for j, dv := range dyr {
			d := dv * 0.25
			a, b := r0[2*j:2*j+2:2*j+2], r1[2*j:2*j+2:2*j+2]
			a[0] += d
			a[1] += d
			b[0] += d
			b[1] += d
		}
	}
	if !acc {
		clear(dxp[2*g.OH*w : g.H*w])
	}
}

// avg2x2BackwardWhole reports whether the AVX-512 kernel computes g's
// backward without accumulation: the windows tile the whole plane
// (H = 2*OH, W = 2*OW), so every dx element is stored once and nothing is
// left to clear, and a sample's channel planes are one tall plane.
func (g *PoolGeom) avg2x2BackwardWhole() bool {
	return haveAvg2x2AVX512 && g.avg2x2BackwardFast() && g.H == 2*g.OH && g.W == 2*g.OW
}

// avg2x2BackwardPlanes stores planes [lo, hi) of dx (sample-major, as
// poolTask numbers them) from dy, one kernel call per sample's run of
// planes.
func avg2x2BackwardPlanes(g *PoolGeom, dy, dx []float32, lo, hi int) {
	for p := lo; p < hi; {
		n, c := p/g.C, p%g.C
		planes := min(hi-p, g.C-c)
		dxs, dys := g.xPlane(dx, n, c), g.yPlane(dy, n, c)
		rows := planes * g.OH
		dxs, dys = dxs[:planes*g.H*g.W], dys[:rows*g.OW] // the run of planes, within capacity
		tail := g.OW % 16
		in := uint64(1)<<(2*tail) - 1
		a := avg2x2Args{x: &dxs[0], y: &dys[0], rowBytes: 4 * g.W, rows: rows, full: g.OW / 16,
			ka: in & 0xffff, kb: in >> 16, ks: uint64(1)<<tail - 1, scale: 0.25, tailBytes: 4 * tail}
		avg2x2s2BackAVX512(&a)
		p += planes
	}
}
