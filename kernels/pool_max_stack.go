package kernels

// 3x3 stride-1 pad-1 max pooling at inference over several planes at once:
// GoogLeNet's inception pools run on 28x28, 14x14 and 7x7 planes, where
// maxForwardVec's per-plane calls (the non-finite scan, four kernel calls,
// the edge loop) cost more than the maxima (a 7x7 plane is a few vectors).
// Consecutive channels of one sample are contiguous in x and in y, and
// such a pool keeps the plane's shape, so a run of planes is one stacked
// plane for the row pass and for the interior of the column pass; only
// each plane's top and bottom rows are redone with its own rows. Every
// output is the same three-way maximum of the same values as
// maxForwardVec's: the same bits.

// maxStackOK reports whether maxForwardStacked takes g's planes.
func (g *PoolGeom) maxStackOK() bool {
	return g.SH == 1 && g.PH == 1 && g.OH == g.H && g.OW == g.W && 2*g.H*g.W <= poolVecLen && g.maxVecOK()
}

// maxForwardStacked sets the window maxima of planes [lo, hi) (maxStackOK
// holds), in runs of channels of one sample that fit the scratch; a run
// holding a NaN or an infinity goes plane by plane through maxForwardPlane.
func maxForwardStacked(g *PoolGeom, x, y []float32, lo, hi int, s *poolScratch) {
	hw := g.H * g.W
	k := poolVecLen / hw
	for p := lo; p < hi; {
		n, c := p/g.C, p%g.C
		m := min(k, hi-p, g.C-c)
		xo := n*orDense(g.XStride, g.C*hw) + c*hw
		yo := n*orDense(g.YStride, g.C*hw) + c*hw
		xs, ys := x[xo:xo+m*hw], y[yo:yo+m*hw]
		if m == 1 || nonFinite(xs) {
			for q := 0; q < m; q++ {
				maxForwardPlane(g, xs[q*hw:(q+1)*hw], ys[q*hw:(q+1)*hw], nil, s)
			}
		} else {
			maxForwardVecStack(g, xs, ys, m, &s.vec)
		}
		p += m
	}
}

// maxForwardVecStack is maxForwardVec (stride 1, pad 1) on the m planes
// stacked in xs, into ys.
func maxForwardVecStack(g *PoolGeom, xs, ys []float32, m int, s *poolVecScratch) {
	w, hw := g.W, g.H*g.W
	all, rows := m*hw, m*g.H
	h := s.h[:all]
	max3Into(h[1:all-1], xs, xs[1:], xs[2:])
	for r := 0; r < rows; r++ {
		x := xs[r*w : (r+1)*w]
		h[r*w] = firstMax(x[0], x[1])
		h[r*w+w-1] = firstMax(x[w-2], x[w-1])
	}
	// Rows next to a plane boundary come out wrong here and are redone.
	if rows > 2 {
		max3Into(ys[w:all-w], h, h[w:], h[2*w:])
	}
	for q := 0; q < m; q++ {
		hq, yq := h[q*hw:(q+1)*hw], ys[q*hw:(q+1)*hw]
		max3Into(yq[:w], hq, hq, hq[min(w, hw-w):])
		if g.H > 1 {
			last := (g.H - 1) * w
			max3Into(yq[last:last+w], hq[last-w:], hq[last:], hq[last:])
		}
	}
}
