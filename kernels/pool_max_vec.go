package kernels

import "math"

// Max pooling forward without indices (inference) for 3x3 windows, stride
// 1 or 2, padding 0 or 1: GoogLeNet's pools, which took 27% of its
// one-thread inference step through the argmax row kernels. Here the
// window maximum is separable: each input row's 3-wide maxima (stride 1,
// every column) once, then per output row the maximum of its three rows'
// (and, for stride 2, every other column). Every maximum is "replace on
// strictly greater", taps in row-major order, so the first maximum of the
// window wins as in PoolGeom.argmax: the same bits, -0 and +0 included,
// for planes without NaN or infinities (the others take the argmax path,
// as the key-based path does).

// poolVecLen bounds the row maxima of one plane (H*W).
const poolVecLen = 4096

// poolVecScratch is maxForwardVec's buffers (in poolScratch, on the stack).
type poolVecScratch struct {
	// Each input row's 3-wide maxima, rows W apart; at stride 2 on a run
	// of planes the column maxima follow from h[poolVecLen:].
	h     [2 * poolVecLen]float32
	v     [poolMaxW]float32 // one output row's maxima at stride 1
	edges *poolEdgeMasks    // maxForwardVecStack's window edges (edgeMasks)
}

// maxVecOK reports whether maxForwardVec takes g's planes.
func (g *PoolGeom) maxVecOK() bool {
	return (haveMax3AVX512 || haveMax3AVX2) && g.KH == 3 && g.KW == 3 && g.SH == g.SW && (g.SH == 1 || g.SH == 2) &&
		g.PH == g.PW && g.PH <= 1 && g.W >= 2 && g.H*g.W <= poolVecLen && g.W <= poolMaxW &&
		(g.OH-1)*g.SH+3 <= g.H+2*g.PH && (g.OW-1)*g.SW+3 <= g.W+2*g.PW
}

// maxForwardVec sets yp to the window maxima of plane xp (maxVecOK holds,
// and xp has no NaN or infinity). h[r*W+j] is the maximum of input row r's
// window at padded column j; the passes run over whole planes where rows
// line up, so that small maps (GoogLeNet's 6x6) are a few calls, not a few
// per row.
func maxForwardVec(g *PoolGeom, xp, yp []float32, s *poolVecScratch) {
	w, hw := g.W, g.H*g.W
	h := s.h[:hw]
	if g.PW == 0 {
		// Window j reads columns j..j+2: the last two columns of each
		// row of h read into the next row and are never used.
		if hw > 2 {
			max3Into(h[:hw-2], xp, xp[1:], xp[2:])
		}
	} else {
		// Window j reads columns j-1..j+1: the first and last column of
		// each row have one tap outside the row.
		if hw > 2 {
			max3Into(h[1:hw-1], xp, xp[1:], xp[2:])
		}
		for r := 0; r < g.H; r++ {
			x := xp[r*w : (r+1)*w]
			h[r*w] = firstMax(x[0], x[1])
			h[r*w+w-1] = firstMax(x[w-2], x[w-1])
		}
	}
	if g.SH == 1 && g.PH == 1 {
		// Output rows are W wide and W apart, as h's: interior rows in one
		// pass, the two edge rows with their two inside input rows.
		if g.OH > 2 {
			max3Into(yp[w:(g.OH-1)*w], h, h[w:], h[2*w:])
		}
		max3Into(yp[:w], h, h, h[min(w, hw-w):])
		if g.OH > 1 {
			last := (g.OH - 1) * w
			max3Into(yp[last:last+w], h[last-w:], h[last:], h[last:])
		}
		return
	}
	for oh := 0; oh < g.OH; oh++ {
		yr := yp[oh*g.OW : (oh+1)*g.OW]
		r0 := oh*g.SH - g.PH
		lo, hi := max(r0, 0), min(r0+3, g.H) // the window's rows inside the plane
		n := (g.OW-1)*g.SW + 1
		a, b := h[lo*w:], h[(hi-1)*w:]
		m := h[(lo+hi-1)/2*w:] // the middle row, or a repeat
		if g.SW == 1 {
			max3Into(yr, a, m, b)
			continue
		}
		v := s.v[:n]
		max3Into(v, a, m, b)
		for j := range yr {
			yr[j] = v[j*g.SW]
		}
	}
}

// firstMax is b if b > a, else a: the first maximum of a, b (neither NaN).
// It compares poolKeys so that the choice compiles to a conditional move:
// a float compare is a branch, which mispredicts on real data (the edge
// columns of every row of every plane).
func firstMax(a, b float32) float32 {
	ba, bb := math.Float32bits(a), math.Float32bits(b)
	if poolKey(bb) > poolKey(ba) {
		ba = bb
	}
	return math.Float32frombits(ba)
}

// max3Into sets dst[i] to the first maximum of a[i], b[i], c[i]; dst does
// not overlap a, b or c.
func max3Into(dst, a, b, c []float32) {
	n := len(dst)
	if n == 0 {
		return
	}
	_, _, _ = a[n-1], b[n-1], c[n-1]
	if haveMax3AVX512 {
		max3AVX512(n, &dst[0], &a[0], &b[0], &c[0])
	} else {
		max3AVX2(n, &dst[0], &a[0], &b[0], &c[0])
	}
}

// max3MaskedInto sets dst[i] to the first maximum of min(a[i], ma[i]),
// b[i], min(c[i], mc[i]); dst does not overlap a, b or c. A mask of +Inf
// keeps its tap (min(x, +Inf) is x, -0 included), -Inf drops it.
func max3MaskedInto(dst, a, b, c, ma, mc []float32) {
	n := len(dst)
	if n == 0 {
		return
	}
	_, _, _, _, _ = a[n-1], b[n-1], c[n-1], ma[n-1], mc[n-1]
	max3MaskedAVX2(n, &dst[0], &a[0], &b[0], &c[0], &ma[0], &mc[0])
}
