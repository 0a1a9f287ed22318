package kernels

import (
	"math"
	"unsafe"
)

// Max pooling of one plane. Forward and backward both find each window's
// argmax (forward copies x there, backward adds dy there), in the same order
// as PoolGeom.argmax: the first maximum in row-major scan order.
//
// For 2x2 and 3x3 windows (any stride, any padding) the plane goes through
// row kernels (or, for stride 1, poolRows in pool_rows.go, which shares
// each row's work between the three windows that overlap it) that compare
// integer keys with conditional moves: a float
// compare compiles to a branch per tap, which mispredicts on real data. The
// key (poolKey) orders floats as < does and maps -0 and +0 together, so
// "strictly greater key" is "strictly greater float" and the first maximum
// wins, as in the per-window scan. NaN has no place in that order, so a plane
// holding a NaN (or, from the cheap test, an infinity) takes the original
// per-window scan, PoolGeom.argmax.

// poolRowBlock is the most windows a row kernel handles per call.
const poolRowBlock = 256

// poolScratch is one thread's buffers for max pooling (on its stack: Run
// may run concurrently).
type poolScratch struct {
	idx  [poolRowBlock]int32 // argmax indices of one run of windows
	rows poolRows
	vec  poolVecScratch
	arg  maxArgScratch
}

// separable reports whether a fast plane goes through poolRows: stride 1
// (there each input row serves three output rows; with stride 2 the row
// kernels' carried keys measured faster) and rows that fit its buffers.
func (g *PoolGeom) separable() bool {
	rowLen := max((g.OW-1)*g.SW+g.KW, g.PW+g.W)
	return g.SH == 1 && g.SW == 1 && g.W <= poolMaxW && rowLen <= len(poolRows{}.row)
}

// poolKey maps the bits of a non-NaN float32 to an int32 with the same
// order, -0 and +0 both to 0: the magnitude's bits for x >= 0, minus them
// for x < 0.
func poolKey(bits uint32) int32 {
	b := int32(bits)
	m := b >> 31
	return (b&0x7fffffff ^ m) - m
}

// nonFinite reports whether p holds a NaN or an infinity, two floats per
// 64-bit word: adding 1 to the exponent field of |x| carries into the sign
// bit exactly when the exponent is all ones, and a lane never carries into
// the next (|x| + 2^23 < 2^32).
func nonFinite(p []float32) bool {
	const (
		mag = 0x7fffffff7fffffff
		one = 0x0080000000800000
		top = 0x8000000080000000
	)
	if haveMax3AVX512 && len(p) > 0 {
		return nonFiniteAVX512(len(p), &p[0])
	}
	if haveMax3AVX2 && len(p) > 0 {
		return nonFiniteAVX2(len(p), &p[0])
	}
	var acc uint32
	if len(p) > 0 && uintptr(unsafe.Pointer(&p[0]))%8 != 0 {
		acc = math.Float32bits(p[0])&0x7fffffff + 0x00800000
		p = p[1:]
	}
	if len(p)%2 != 0 {
		acc |= math.Float32bits(p[len(p)-1])&0x7fffffff + 0x00800000
		p = p[:len(p)-1]
	}
	var a0, a1 uint64
	if len(p) > 0 {
		w := unsafe.Slice((*uint64)(unsafe.Pointer(&p[0])), len(p)/2)
		i := 0
		for ; i+2 <= len(w); i += 2 {
			a0 |= w[i]&mag + one
			a1 |= w[i+1]&mag + one
		}
		if i < len(w) {
			a0 |= w[i]&mag + one
		}
	}
	return (a0|a1)&top != 0 || acc&0x80000000 != 0
}

// maxFast reports whether the plane can take the key-based path: 2x2 or
// 3x3 windows, no NaN (nor infinity) in the plane.
func (g *PoolGeom) maxFast(xp []float32) bool {
	return g.KH == g.KW && (g.KH == 2 || g.KH == 3) && !nonFinite(xp)
}

// maxForwardPlane sets yp to the window maxima of xp and, when arg is not
// nil, arg to their indices in xp.
func maxForwardPlane(g *PoolGeom, xp, yp []float32, arg []int32, s *poolScratch) {
	if !g.maxFast(xp) {
		for oh := 0; oh < g.OH; oh++ {
			for ow := 0; ow < g.OW; ow++ {
				i := g.argmax(xp, oh, ow)
				yp[oh*g.OW+ow] = xp[i]
				if arg != nil {
					arg[oh*g.OW+ow] = int32(i)
				}
			}
		}
		return
	}
	if arg == nil && g.maxVecOK() {
		maxForwardVec(g, xp, yp, &s.vec)
		return
	}
	xb := float32Bits(xp)
	if g.separable() {
		s.rows.start(xb)
		for oh := 0; oh < g.OH; oh++ {
			yr := yp[oh*g.OW : (oh+1)*g.OW]
			k := s.rows.windows(g, oh)[:len(yr)]
			for j, i := range k {
				yr[j] = xp[i]
			}
			if arg != nil {
				copy(arg[oh*g.OW:], k)
			}
		}
		return
	}
	idx := &s.idx
	wLo, wHi := poolInterior(g.W, g.KW, g.SW, g.PW, g.OW)
	for oh := 0; oh < g.OH; oh++ {
		yr := yp[oh*g.OW : (oh+1)*g.OW]
		var ar []int32
		if arg != nil {
			ar = arg[oh*g.OW : (oh+1)*g.OW]
		}
		edge := func(ow int) {
			i := g.argmaxKeys(xb, oh, ow)
			yr[ow] = xp[i]
			if ar != nil {
				ar[ow] = int32(i)
			}
		}
		for ow := 0; ow < wLo; ow++ {
			edge(ow)
		}
		rows := g.windowRows(oh)
		for ow := wLo; ow < wHi; ow += poolRowBlock {
			k := idx[:min(poolRowBlock, wHi-ow)]
			g.argmaxRun(xb, rows, ow*g.SW-g.PW, k)
			out := yr[ow : ow+len(k)]
			for j, i := range k {
				out[j] = xp[i]
			}
			if ar != nil {
				copy(ar[ow:], k)
			}
		}
		for ow := wHi; ow < g.OW; ow++ {
			edge(ow)
		}
	}
}

// maxBackwardArgmax adds dyp[j] to dxp at the recorded argmax arg[j], in
// output order (the order matters where windows overlap).
func maxBackwardArgmax(arg []int32, dyp, dxp []float32, acc bool) {
	if !acc {
		clear(dxp)
	}
	for j, i := range arg[:len(dyp)] {
		dxp[i] += dyp[j]
	}
}

// windowRows returns the plane offsets of output row oh's KH window rows,
// rows outside the input replaced by the nearest row inside the window.
// The stand-in repeats a row next to itself in scan order, so it can only
// tie with it, at the same indices: the first maximum does not move. This
// lets the top and bottom output rows use the row kernels too.
func (g *PoolGeom) windowRows(oh int) (rows [3]int) {
	h0 := oh*g.SH - g.PH
	lo, hi := max(h0, 0), min(h0+g.KH, g.H)-1
	for t := 0; t < g.KH; t++ {
		rows[t] = min(max(h0+t, lo), hi) * g.W
	}
	return rows
}

// argmaxKeys is PoolGeom.argmax on a plane without NaN, comparing keys.
func (g *PoolGeom) argmaxKeys(xb []uint32, oh, ow int) int {
	h0, w0 := oh*g.SH-g.PH, ow*g.SW-g.PW
	h1, w1 := min(h0+g.KH, g.H), min(w0+g.KW, g.W)
	h0, w0 = max(h0, 0), max(w0, 0)
	idx := h0*g.W + w0
	best := poolKey(xb[idx])
	for ih := h0; ih < h1; ih++ {
		o := ih*g.W + w0
		for j, b := range xb[o : ih*g.W+w1] {
			if k := poolKey(b); k > best {
				best, idx = k, o+j
			}
		}
	}
	return idx
}

// argmaxRun sets idx[j] to the plane index of the argmax of the KxK window
// with rows at plane offsets rows[0..K) and first column c0 + j*SW, all
// columns inside the plane. Each row's first maximum (key, column) is found
// first, then the rows are compared top to bottom: the same winner as one
// row-major scan, with shorter dependency chains. With stride 1 or 2 the
// keys of the columns a window shares with the next are carried over. The
// taps are written out: a helper per row would not be inlined.
func (g *PoolGeom) argmaxRun(xb []uint32, rows [3]int, c0 int, idx []int32) {
	w, o0, o1 := g.W, rows[0], rows[1]
	r0 := xb[o0 : o0+w]
	r1 := xb[o1 : o1+w]
	if g.KH == 2 {
		for j := range idx {
			c := c0 + j*g.SW
			a, b := r0[c:c+2:c+2], r1[c:c+2:c+2]
			k0, i0 := poolKey(a[0]), c
			if t := poolKey(a[1]); t > k0 {
				k0, i0 = t, c+1
			}
			k1, i1 := poolKey(b[0]), c
			if t := poolKey(b[1]); t > k1 {
				k1, i1 = t, c+1
			}
			i, i1 := o0+i0, o1+i1
			if k1 > k0 {
				i = i1
			}
			idx[j] = int32(i)
		}
		return
	}
	r2 := xb[rows[2] : rows[2]+w]
	switch g.SW {
	case 1:
		argmax3s1(r0, r1, r2, rows, c0, idx)
	case 2:
		argmax3s2(r0, r1, r2, rows, c0, idx)
	default:
		for j := range idx {
			c := c0 + j*g.SW
			a, b, e := r0[c:c+3:c+3], r1[c:c+3:c+3], r2[c:c+3:c+3]
			idx[j] = int32(max3x3(rows, c,
				poolKey(a[0]), poolKey(a[1]), poolKey(a[2]),
				poolKey(b[0]), poolKey(b[1]), poolKey(b[2]),
				poolKey(e[0]), poolKey(e[1]), poolKey(e[2])))
		}
	}
}

// argmax3s2 is argmaxRun for 3x3 windows, stride 2: a window's last column
// is the next one's first.
func argmax3s2(r0, r1, r2 []uint32, rows [3]int, c int, idx []int32) {
	o0, o1, o2 := rows[0], rows[1], rows[2]
	a0, b0, e0 := poolKey(r0[c]), poolKey(r1[c]), poolKey(r2[c])
	for j := range idx {
		a, b, e := r0[c+1:c+3:c+3], r1[c+1:c+3:c+3], r2[c+1:c+3:c+3]
		a1, a2 := poolKey(a[0]), poolKey(a[1])
		b1, b2 := poolKey(b[0]), poolKey(b[1])
		e1, e2 := poolKey(e[0]), poolKey(e[1])
		// Same compares as max3x3, written out: it is not inlined.
		k0, i0 := a0, c
		if a1 > k0 {
			k0, i0 = a1, c+1
		}
		if a2 > k0 {
			k0, i0 = a2, c+2
		}
		k1, i1 := b0, c
		if b1 > k1 {
			k1, i1 = b1, c+1
		}
		if b2 > k1 {
			k1, i1 = b2, c+2
		}
		k2, i2 := e0, c
		if e1 > k2 {
			k2, i2 = e1, c+1
		}
		if e2 > k2 {
			k2, i2 = e2, c+2
		}
		// Indices made absolute before comparing: a load inside the if
		// would make it a branch instead of a conditional move.
		i, i1, i2 := o0+i0, o1+i1, o2+i2
		if k1 > k0 {
			k0, i = k1, i1
		}
		if k2 > k0 {
			i = i2
		}
		idx[j] = int32(i)
		a0, b0, e0 = a2, b2, e2
		c += 2
	}
}

// argmax3s1 is argmaxRun for 3x3 windows, stride 1: a window's last two
// columns are the next one's first two.
func argmax3s1(r0, r1, r2 []uint32, rows [3]int, c int, idx []int32) {
	o0, o1, o2 := rows[0], rows[1], rows[2]
	a0, b0, e0 := poolKey(r0[c]), poolKey(r1[c]), poolKey(r2[c])
	a1, b1, e1 := poolKey(r0[c+1]), poolKey(r1[c+1]), poolKey(r2[c+1])
	for j := range idx {
		a2, b2, e2 := poolKey(r0[c+2]), poolKey(r1[c+2]), poolKey(r2[c+2])
		// Same compares as max3x3, written out: it is not inlined.
		k0, i0 := a0, c
		if a1 > k0 {
			k0, i0 = a1, c+1
		}
		if a2 > k0 {
			k0, i0 = a2, c+2
		}
		k1, i1 := b0, c
		if b1 > k1 {
			k1, i1 = b1, c+1
		}
		if b2 > k1 {
			k1, i1 = b2, c+2
		}
		k2, i2 := e0, c
		if e1 > k2 {
			k2, i2 = e1, c+1
		}
		if e2 > k2 {
			k2, i2 = e2, c+2
		}
		// Indices made absolute before comparing: a load inside the if
		// would make it a branch instead of a conditional move.
		i, i1, i2 := o0+i0, o1+i1, o2+i2
		if k1 > k0 {
			k0, i = k1, i1
		}
		if k2 > k0 {
			i = i2
		}
		idx[j] = int32(i)
		a0, b0, e0 = a1, b1, e1
		a1, b1, e1 = a2, b2, e2
		c++
	}
}

// max3x3 returns the plane index of the first maximum of the window whose
// keys are a (row 0), b (row 1), e (row 2), columns c, c+1, c+2.
func max3x3(rows [3]int, c int, a0, a1, a2, b0, b1, b2, e0, e1, e2 int32) int {
	k0, i0 := a0, c
	if a1 > k0 {
		k0, i0 = a1, c+1
	}
	if a2 > k0 {
		k0, i0 = a2, c+2
	}
	k1, i1 := b0, c
	if b1 > k1 {
		k1, i1 = b1, c+1
	}
	if b2 > k1 {
		k1, i1 = b2, c+2
	}
	k2, i2 := e0, c
	if e1 > k2 {
		k2, i2 = e1, c+1
	}
	if e2 > k2 {
		k2, i2 = e2, c+2
	}
	i, i1, i2 := rows[0]+i0, rows[1]+i1, rows[2]+i2
	if k1 > k0 {
		k0, i = k1, i1
	}
	if k2 > k0 {
		i = i2
	}
	return i
}
