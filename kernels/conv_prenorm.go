package kernels

import "fmt"

// PreNormNative reports whether algo applies a PreNorm as it reads the
// input (with packed weights); the other algorithms normalise a copy of
// the input in the workspace first.
func PreNormNative(algo ConvAlgo) bool {
	return algo == ConvGEMM || algo == ConvPointwise || algo == ConvWinograd
}

// WorkspacePreNorm is the forward workspace ConvForwardPreNorm needs with
// algo: a pointwise conv gathers its operand instead of reading x in
// place, and the algorithms that cannot normalise as they read need room
// for the normalised copy of x.
func (g ConvGeom) WorkspacePreNorm(algo ConvAlgo) int {
	fwd, _ := g.Workspace(algo)
	switch {
	case algo == ConvPointwise:
		return max(fwd, g.preGather().workspace(g))
	case !PreNormNative(algo):
		return fwd + g.N*g.C*g.H*g.W
	}
	return fwd
}

// preGather is the pointwise split with one-sample chunks gathered into
// the workspace (where x would have been read in place).
func (g ConvGeom) preGather() gemmPlan {
	p := g.gemmSplit(true)
	p.direct = false
	return p
}

// ConvForwardPreNorm is ConvForwardPacked (the batched GEMM, pointwise
// and Winograd, which need pw) or ConvForwardAlgo (the others, with w) of
// the normalised input pre(x). ws needs WorkspacePreNorm(algo) elements.
func ConvForwardPreNorm(g ConvGeom, algo ConvAlgo, pre *PreNorm, pw *ConvPackedWeights, x, w, bias, y, ws []float32, relu bool) {
	need("conv prenorm scale", pre.Scale, g.C)
	need("conv prenorm shift", pre.Shift, g.C)
	if pre.hw != g.H*g.W {
		panic(fmt.Sprintf("kernels: conv: prenorm set for %d-value planes, input planes have %d", pre.hw, g.H*g.W))
	}
	need("conv workspace", ws, g.WorkspacePreNorm(algo))
	if PreNormNative(algo) {
		if pw == nil {
			panic(fmt.Sprintf("kernels: conv: %v normalises its input with packed weights only", algo))
		}
		fwd, _ := g.Workspace(algo)
		g.checkForward(algo, x, bias, y, ws[:fwd])
		convForwardPacked(g, algo, pw, pre, x, bias, y, ws, relu)
		return
	}
	// Normalise a dense copy of x after the algorithm's own workspace.
	fwd, _ := g.Workspace(algo)
	need("conv x", x, g.InSpan())
	xn := ws[fwd:][:g.N*g.C*g.H*g.W]
	t := convTask{op: opPreNorm, g: g, src: x, dst: xn, pre: pre}
	t.run(g.N*g.C, 2*g.H*g.W)
	dense := g
	dense.XStride = 0
	ConvForwardAlgo(dense, algo, xn, w, bias, y, ws[:fwd], relu)
}

// preNormPlanes writes items [lo, hi) (sample, channel) of the normalised
// x densely into t.dst.
func (t *convTask) preNormPlanes(lo, hi int) {
	g := t.g
	hw, xs := g.H*g.W, g.xStride()
	for it := lo; it < hi; it++ {
		s, ci := it/g.C, it%g.C
		t.pre.span(t.dst[it*hw:][:hw], t.src[s*xs+ci*hw:][:hw], ci, 0)
	}
}

// im2colPre is convTask.im2col of the normalised input: a pointwise
// operand is normalised as it is copied; otherwise the input rows the
// chunk's output rows read are normalised into a scratch plane, which
// im2colRows then unfolds.
func (t *convTask) im2colPre(lo, hi int) {
	g := t.g
	kk, hw, xs := g.KH*g.KW, g.H*g.W, g.xStride()
	r0, r1 := t.c.r0, t.c.r1
	var plane []float32
	a := max(0, r0*g.SH-g.PH)                       // first input row read
	b := min(g.H, (r1-1)*g.SH-g.PH+(g.KH-1)*g.DH+1) // past the last
	if !g.pointwise() {
		var buf *[]float32
		buf, plane = prePlane(hw)
		defer prePlanes.Put(buf)
	}
	for it := lo; it < hi; it++ {
		s, ci := it/g.C, it%g.C
		o := (t.c.n0+s)*xs + ci*hw
		xc, col := t.src[o:o+hw], t.dst[ci*kk*t.ld+s*t.pcols:]
		if g.pointwise() {
			t.pre.span(col[:(r1-r0)*g.W], xc[r0*g.W:r1*g.W], ci, r0*g.W)
			continue
		}
		im2colRows(g, t.preRows(xc, plane, ci, g.W, a, b), col, t.ld, r0, r1)
	}
}

// preRows returns plane (input channel ci) as it is, or with a PreNorm,
// scratch holding the plane's rows [a, b) (rows w long) normalised in
// their places: the rows the caller then reads, once or several times.
func (t *convTask) preRows(plane, scratch []float32, ci, w, a, b int) []float32 {
	if t.pre == nil {
		return plane
	}
	if a < b {
		t.pre.span(scratch[a*w:b*w], plane[a*w:b*w], ci, a*w)
	}
	return scratch[:len(plane)]
}

// preScratch borrows a scratch plane of n floats when t has a PreNorm
// (release with prePlanes.Put, when buf is not nil).
func (t *convTask) preScratch(n int) (buf *[]float32, plane []float32) {
	if t.pre == nil {
		return nil, nil
	}
	return prePlane(n)
}
