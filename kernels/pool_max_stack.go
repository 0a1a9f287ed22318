package kernels

import (
	"math"
	"sync"
)

// 3x3 pad-1 max pooling at inference over several planes at once:
// GoogLeNet's pools run on 12x12, 6x6 and 3x3 planes (96x96 input), where
// maxForwardVec's per-plane calls (the non-finite scan, the kernel calls,
// the edge loop) cost more than the maxima. Consecutive channels of one
// sample are contiguous in x and in y, so a run of planes is one stacked
// plane for the row pass and for the column pass; only each plane's top
// output row (and at stride 1 its bottom one), whose window is cut by the
// padding, is redone with its own rows. At stride 2 the planes have even
// heights, so every plane starts on an even row of the stack and its
// output rows are the stack's even rows. Every output is the same
// three-way maximum of the same values, in the same order, as
// maxForwardVec's: the same bits.

// maxStackOK reports whether maxForwardStacked takes g's planes: stride 1
// keeping the plane's shape, or stride 2 on even sides (the row maxima
// and the column maxima of a run each take half of s.h; inference takes
// runs of two planes or more, see maxArgOK for training).
func (g *PoolGeom) maxStackOK() bool {
	if g.PH != 1 || !g.maxVecOK() {
		return false
	}
	hw := g.H * g.W
	switch g.SH {
	case 1:
		return g.OH == g.H && g.OW == g.W && 2*hw <= poolVecLen
	case 2:
		return g.H%2 == 0 && g.W%2 == 0 && g.OH == g.H/2 && g.OW == g.W/2 && 4*hw <= poolVecLen
	}
	return false
}

// maxForwardStacked sets the window maxima of planes [lo, hi) (maxStackOK
// holds) and, when arg is not nil (maxArgOK holds), their argmax, in runs
// of channels of one sample that fit the scratch; a run holding a NaN or
// an infinity goes plane by plane through maxForwardPlane.
func maxForwardStacked(g *PoolGeom, x, y []float32, arg []int32, lo, hi int, s *poolScratch) {
	hw, ohw := g.H*g.W, g.OH*g.OW
	k := poolVecLen / hw
	if g.SH == 2 {
		// Runs of at most half the room (measured faster for GoogLeNet's
		// pools), but a lone plane when only one fits: the argmax path
		// takes it (ResNet's 48x48 stem pool).
		k = max(poolVecLen/2/hw, 1)
	}
	for p := lo; p < hi; {
		n, c := p/g.C, p%g.C
		m := min(k, hi-p, g.C-c)
		xo := n*orDense(g.XStride, g.C*hw) + c*hw
		yo := n*orDense(g.YStride, g.C*ohw) + c*ohw
		xs, ys := x[xo:xo+m*hw], y[yo:yo+m*ohw]
		var as []int32
		if arg != nil {
			as = arg[p*ohw : (p+m)*ohw]
		}
		switch {
		case m == 1 && (as == nil || g.SH == 1) || nonFinite(xs):
			for q := 0; q < m; q++ {
				var aq []int32
				if as != nil {
					aq = as[q*ohw : (q+1)*ohw]
				}
				maxForwardPlane(g, xs[q*hw:(q+1)*hw], ys[q*ohw:(q+1)*ohw], aq, s)
			}
		case as != nil && g.SH == 1:
			maxForwardArgStack(g, xs, ys, as, m, s)
		case as != nil:
			maxForwardArgStack2(g, xs, ys, as, m, s)
		case g.SH == 1:
			maxForwardVecStack(g, xs, ys, m, &s.vec)
		default:
			maxForwardVecStack2(g, xs, ys, m, &s.vec)
		}
		p += m
	}
}

// maxForwardVecStack is maxForwardVec (stride 1, pad 1) on the m planes
// stacked in xs, into ys: each pass is one masked three-way maximum over
// the whole stack, whose masks drop the taps past a row's or a plane's
// edge (on 3x3 and 6x6 planes, calls per plane cost more than the maxima).
// Dropping a tap gives the maximum of the taps left, in order: what
// maxForwardVec gets by repeating the edge row or column.
func maxForwardVecStack(g *PoolGeom, xs, ys []float32, m int, s *poolVecScratch) {
	w, hw := g.W, g.H*g.W
	all := m * hw
	h := s.h[:all]
	e := s.edgeMasks(w, hw, all)
	rowMaxMasked(h, xs, e)
	if all > 2*w {
		max3MaskedInto(ys[w:all-w], h, h[w:], h[2*w:], e.top[w:], e.bottom[w:])
	}
	// The stack's first and last rows, which have no row beyond them (on
	// one-row planes, each is its own window).
	up := min(w, hw-w)
	last := all - w
	max3Into(ys[:w], h, h, h[up:])
	max3Into(ys[last:], h[last-up:], h[last:], h[last:])
}

// poolEdgeMasks marks, for stacked planes of w x (hw/w), the elements at
// each edge: -Inf there, +Inf elsewhere (max3MaskedInto's masks).
type poolEdgeMasks struct {
	w, hw, n                 int // the geometry and length they hold
	left, right, top, bottom [poolVecLen]float32
}

// spareEdges keeps the masks between calls, one set per thread that has
// pooled: a pool's every call wants the same ones, and at 64 KiB they are
// worth neither rebuilding nor zeroing on the stack each time. Not a
// sync.Pool, which drops what it holds at each GC (and at random under the
// race detector), so a training step would allocate.
var spareEdges struct {
	mu   sync.Mutex
	list []*poolEdgeMasks
}

// edgeMasks is masks for n elements of stacked planes w wide and hw long,
// borrowed until releaseEdges.
func (s *poolVecScratch) edgeMasks(w, hw, n int) *poolEdgeMasks {
	if s.edges == nil {
		spareEdges.mu.Lock()
		if n := len(spareEdges.list); n > 0 {
			s.edges = spareEdges.list[n-1]
			spareEdges.list = spareEdges.list[:n-1]
		}
		spareEdges.mu.Unlock()
		if s.edges == nil {
			s.edges = new(poolEdgeMasks)
		}
	}
	return s.edges.forPlanes(w, hw, n)
}

// releaseEdges returns the masks edgeMasks borrowed, if any.
func (s *poolVecScratch) releaseEdges() {
	if s.edges != nil {
		spareEdges.mu.Lock()
		spareEdges.list = append(spareEdges.list, s.edges)
		spareEdges.mu.Unlock()
		s.edges = nil
	}
}

// forPlanes returns e filled for at least n elements of planes w wide and
// hw long, refilling it only when the geometry changes or n grows.
func (e *poolEdgeMasks) forPlanes(w, hw, n int) *poolEdgeMasks {
	if e.w == w && e.hw == hw && e.n >= n {
		return e
	}
	inf, ninf := float32(math.Inf(1)), float32(math.Inf(-1))
	mark := func(edge bool) float32 {
		if edge {
			return ninf
		}
		return inf
	}
	for i := range n {
		j, k := i%w, i%hw
		e.left[i], e.right[i] = mark(j == 0), mark(j == w-1)
		e.top[i], e.bottom[i] = mark(k < w), mark(k >= hw-w)
	}
	e.w, e.hw, e.n = w, hw, n
	return e
}

// maxForwardVecStack2 is maxForwardVec (stride 2, pad 1, even sides) on
// the m planes stacked in xs, into ys, with maxForwardVecStack's masked
// passes: the stride-1 maxima over the whole stack (every row but the
// stack's last, odd and unused, left in s.h[poolVecLen:] for
// maxForwardArgStack2), then every other row and column of them.
func maxForwardVecStack2(g *PoolGeom, xs, ys []float32, m int, s *poolVecScratch) {
	w, hw, ow := g.W, g.H*g.W, g.OW
	all := m * hw
	h, v := s.h[:all], s.h[poolVecLen:][:all]
	e := s.edgeMasks(w, hw, all)
	rowMaxMasked(h, xs, e)
	if all > 2*w {
		max3MaskedInto(v[w:all-w], h, h[w:], h[2*w:], e.top[w:], e.bottom[w:])
	}
	max3Into(v[:w], h, h, h[w:]) // the stack's first row: its window's rows are 0 and 1
	// The planes' heights are even: the stack's even rows are the output rows.
	for r := range m * g.OH {
		vr, yr := v[2*r*w:], ys[r*ow:(r+1)*ow]
		for j := range yr {
			yr[j] = vr[2*j]
		}
	}
}

// rowMaxMasked sets h[i] to the first maximum of the 3-wide window (pad 1)
// around xs[i], rows e.w wide.
func rowMaxMasked(h, xs []float32, e *poolEdgeMasks) {
	all := len(h)
	max3MaskedInto(h[1:all-1], xs, xs[1:], xs[2:], e.left[1:], e.right[1:])
	h[0] = firstMax(xs[0], xs[1])
	h[all-1] = firstMax(xs[all-2], xs[all-1])
}
