package kernels

// Backward data of a stride-1 conv as a forward conv (ConvGEMM's backward
// data when the conv narrows the channels, K < C: DenseNet's 3x3 convs
// bring 64-160 channels down to 32).
//
// The usual route, col = Wᵀ × dY then col2im, multiplies with an inner
// dimension of only K and writes a C*KH*KW-row column matrix that col2im
// then reads back, both as slow as the useful work when K is 32. For stride
// 1 the same dx is a forward conv of dY (K channels) with the filter
// flipped in space and transposed in channels (W'[c][k][i][j] =
// W[k][c][KH-1-i][KW-1-j]) and padding KH-1-PH: its im2col has only
// K*KH*KW rows and its GEMM's inner dimension is K*KH*KW.

// dataAsConv returns the forward conv that computes g's backward data, and
// whether g qualifies: one group, stride and dilation 1, fewer output than
// input channels, padding at most KH-1 (so the flipped conv's padding is not
// negative), not pointwise (its backward data has no col2im to save).
func (g ConvGeom) dataAsConv() (ConvGeom, bool) {
	if g.Groups != 1 || g.SH != 1 || g.SW != 1 || g.DH != 1 || g.DW != 1 || g.K >= g.C || g.pointwise() ||
		g.PH > g.KH-1 || g.PW > g.KW-1 {
		return ConvGeom{}, false
	}
	t := ConvGeom{N: g.N, C: g.K, H: g.OH, W: g.OW, K: g.C, KH: g.KH, KW: g.KW, SH: 1, SW: 1,
		PH: g.KH - 1 - g.PH, PW: g.KW - 1 - g.PW, DH: 1, DW: 1, Groups: 1,
		XStride: g.yStride(), YStride: g.xStride()}
	if t.Init() != nil || t.OH != g.H || t.OW != g.W {
		return ConvGeom{}, false
	}
	return t, true
}

// dataAsConvWorkspace is the scratch dataAsConvBackward needs: the flipped
// filter, then the forward conv's own workspace.
func dataAsConvWorkspace(t ConvGeom) int {
	return t.WeightLen() + t.gemmSplit(false).workspace(t)
}

// dataAsConvBackward computes dx (or adds to it) for g through t =
// g.dataAsConv().
func dataAsConvBackward(g, t ConvGeom, w, dy, dx, ws []float32, accumulate bool) {
	flipped := ws[:t.WeightLen()]
	kk := g.KH * g.KW
	for k := 0; k < g.K; k++ {
		for c := 0; c < g.C; c++ {
			src := w[(k*g.C+c)*kk:][:kk]
			dst := flipped[(c*g.K+k)*kk:][:kk]
			for i, v := range src {
				dst[kk-1-i] = v
			}
		}
	}
	gemmForwardInto(t, t.gemmSplit(false), dy, flipped, nil, dx, ws[len(flipped):], false, accumulate)
}
