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
	// Windows [w+1, all-w-1) have all their taps inside the run.
	lo, hi := all, all
	if all-2*w-2 >= 8 {
		lo, hi = w+1, all-w-1
		argmaxWindows(xs, lo, ys[lo:hi], a.words[lo:hi], arg[lo:hi], w, &a.taps)
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
		// and last even rows read their rows from a copy with room for the
		// taps above, below and beside them, which their words mark
		// outside the plane.
		e := a.edge[:3*w+2]
		copy(e[w+1:], xs[:2*w])
		argmaxWindows(e, w+1, v[:w], a.words[:w], full[:w], w, &a.taps)
		rows := m * g.H
		for r := 2; r < rows-2; r += 2 {
			o := r * w
			argmaxWindows(xs, o, v[o:o+w], a.words[o:o+w], full[o:o+w], w, &a.taps)
		}
		if rows >= 4 {
			o := all - 2*w
			copy(e[1:], xs[o-w:])
			argmaxWindows(e, w+1, v[o:o+w], a.words[o:o+w], full[o:o+w], w, &a.taps)
		}
	case all-2*w-2 >= 8:
		// Windows w and all-w-1, on the run's second and last rows (both
		// odd), would read past the run; no output keeps them.
		lo, hi := w+1, all-w-1
		argmaxWindows(xs, lo, v[lo:hi], a.words[lo:hi], full[lo:hi], w, &a.taps)
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

// argmaxWindows runs argmax3s1AVX2 on the len(y) windows centred at x[at],
// x[at+1], ... of rows w wide. The kernel loads all nine taps of each
// window, x[at-w-1] to x[at+len(y)+w] over the call, so they must lie in
// x: a load before or past a slice faults when the slice starts or ends a
// mapping (CI once crashed on an input at the Go heap's first address).
func argmaxWindows(x []float32, at int, y []float32, words, idx []int32, w int, taps *[18]int32) {
	n := len(y)
	if n < 8 || at-w-1 < 0 || at+n+w >= len(x) || len(words) < n || len(idx) < n {
		panic("kernels: argmax windows read outside their input")
	}
	argmax3s1AVX2(n, &x[at], &y[0], &words[0], &idx[0], w, &taps[0])
}
