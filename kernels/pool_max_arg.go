package kernels

// Max pooling forward with indices (training) for 3x3 stride-1 pad-1
// windows over runs of planes: GoogLeNet's inception pools, whose argmax
// row kernels (pool_max.go) took 3-4x the time of the inference pools.
// The maxima come first, from maxForwardVecStack (the same bits as the
// argmax path's x[argmax], -0 and +0 included, on finite planes); then a
// window's argmax is its first tap in row-major order equal to its
// maximum: the first maximum, as the key scan finds it (keys and float
// equality both put -0 with +0). The taps are compared eight windows at a
// time over the whole run of planes as one flat array; a per-position word
// says which of a window's taps lie inside its plane (the others, in the
// neighbouring rows, columns or planes of the run, never match) and gives
// the window's centre as a plane index. Only the run's first and last
// rows, whose outer taps lie outside the run, are scanned one window at a
// time.

// Validity bits of maxArgWords' words (above the plane index in the low
// 16 bits): the plane has a row above, below, a column left, right.
const (
	argUp = 1 << (16 + iota)
	argDown
	argLeft
	argRight
)

// maxArgScratch is maxForwardArgStack's buffers (in poolScratch).
type maxArgScratch struct {
	words [poolVecLen]int32
	full  [poolVecLen]int32       // stride 2: the argmax of every stride-1 window
	n     int                     // words filled for the planes below
	h, w  int                     // plane of the filled words
	taps  [18]int32               // per tap: validity bits, offset
	edge  [3*poolMaxW + 2]float32 // stride 2: a run's first two rows, see maxForwardArgStack2
}

// maxArgOK reports whether maxForwardStacked records g's argmax with
// maxForwardArgStack or maxForwardArgStack2: the stacked path, AVX2, and
// at stride 2 also planes of which only one fits a run (ResNet's 48x48
// stem pool; inference keeps them on maxForwardVec, measured faster).
func (g *PoolGeom) maxArgOK() bool {
	if !haveMax3AVX2 {
		return false
	}
	hw := g.H * g.W
	if g.SH == 2 && g.PH == 1 && g.maxVecOK() && g.H%2 == 0 && g.W%2 == 0 &&
		g.OH == g.H/2 && g.OW == g.W/2 && hw <= poolVecLen {
		return true
	}
	return g.maxStackOK()
}

// prepare fills the words of a run of all positions of h x w planes and
// the tap table, unless they are already there.
func (s *maxArgScratch) prepare(h, w, all int) {
	if s.h == h && s.w == w && s.n >= all {
		return
	}
	hw := h * w
	for p := 0; p < all; p += hw {
		for r := 0; r < h; r++ {
			var rb int32
			if r > 0 {
				rb |= argUp
			}
			if r < h-1 {
				rb |= argDown
			}
			for c := 0; c < w; c++ {
				b := rb
				if c > 0 {
					b |= argLeft
				}
				if c < w-1 {
					b |= argRight
				}
				s.words[p+r*w+c] = b | int32(r*w+c)
			}
		}
	}
	for t := 0; t < 9; t++ {
		dr, dc := t/3-1, t%3-1
		var b int32
		switch dr {
		case -1:
			b |= argUp
		case 1:
			b |= argDown
		}
		switch dc {
		case -1:
			b |= argLeft
		case 1:
			b |= argRight
		}
		s.taps[2*t], s.taps[2*t+1] = b, int32(dr*w+dc)
	}
	s.h, s.w, s.n = h, w, all
}

// maxForwardArgStack is maxForwardVecStack (stride 1, pad 1) on the m
// planes stacked in xs, into ys, with each window's argmax (its index in
// its plane) in arg.
func maxForwardArgStack(g *PoolGeom, xs, ys []float32, arg []int32, m int, s *poolScratch) {
	maxForwardVecStack(g, xs, ys, m, &s.vec)
	w, hw := g.W, g.H*g.W
	all := m * hw
	a := &s.arg
	a.prepare(g.H, w, all)
	// Windows [w, all-w) have all their taps inside the run.
	lo, hi := all, all
	if all-2*w >= 8 {
		lo, hi = w, all-w
		argmax3s1AVX2(hi-lo, &xs[lo], &ys[lo], &a.words[lo], &arg[lo], w, &a.taps[0])
	}
	scan := func(p0, p1 int) {
		for p := p0; p < p1; p++ {
			q, i := p/hw, p%hw
			arg[p] = int32(g.argmaxKeys(float32Bits(xs[q*hw:(q+1)*hw]), i/w, i%w))
		}
	}
	scan(0, lo)
	scan(hi, all)
}

// maxForwardArgStack2 is maxForwardVecStack2 (stride 2, pad 1, even
// sides) with the argmax: a stride-2 window is the stride-1 window at
// (2*oh, 2*ow), so the stride-1 argmax runs over the whole run against
// the stride-1 maxima maxForwardVecStack2 leaves in its scratch (right on
// every even row) and every other row and column of it is kept. Twice
// the windows (even rows only, when rows hold 8), but eight at a time.
func maxForwardArgStack2(g *PoolGeom, xs, ys []float32, arg []int32, m int, s *poolScratch) {
	maxForwardVecStack2(g, xs, ys, m, &s.vec)
	w, hw, ow, ohw := g.W, g.H*g.W, g.OW, g.OH*g.OW
	all := m * hw
	v := s.vec.h[poolVecLen:][:all] // the stride-1 maxima, see maxForwardVecStack2
	a := &s.arg
	a.prepare(g.H, w, all)
	full := a.full[:all]
	var first int // outputs at the run's start scanned one at a time
	switch {
	case w >= 8:
		// Only the even rows are kept: a call per row halves the windows
		// (ResNet's 48x48 stem pool, one plane per run). The run's first
		// row reads its two rows from a copy with room for the taps above
		// and beside them, which its words mark outside the plane.
		e := a.edge[:3*w+2]
		copy(e[w+1:], xs[:2*w])
		argmax3s1AVX2(w, &e[w+1], &v[0], &a.words[0], &full[0], w, &a.taps[0])
		for r := 2; r < m*g.H; r += 2 {
			o := r * w
			argmax3s1AVX2(w, &xs[o], &v[o], &a.words[o], &full[o], w, &a.taps[0])
		}
	case all-2*w >= 8:
		argmax3s1AVX2(all-2*w, &xs[w], &v[w], &a.words[w], &full[w], w, &a.taps[0])
		first = ow
	default:
		first = m * ohw
	}
	for q := 0; q < m; q++ {
		for oh := 0; oh < g.OH; oh++ {
			src, dst := full[q*hw+2*oh*w:], arg[q*ohw+oh*ow:(q*ohw+(oh+1)*ow)]
			for j := range dst {
				dst[j] = src[2*j]
			}
		}
	}
	for o := 0; o < first; o++ {
		q, i := o/ohw, o%ohw
		arg[o] = int32(g.argmaxKeys(float32Bits(xs[q*hw:(q+1)*hw]), i/ow, i%ow))
	}
}
