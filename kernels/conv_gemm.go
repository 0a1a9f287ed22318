package kernels

import "github.com/netc/netc/kernels/internal/gemm"

// Batched im2col + GEMM (ConvGEMM), and the same engine without im2col for
// pointwise convs (ConvPointwise, see pointwise.go).
//
// The reference path runs one GEMM per (sample, group) with OH*OW columns:
// 9 columns for a 3x3 feature map, where the GEMM spends its time on edges
// and call overhead. Here a chunk of samples is unfolded side by side
// (columns = samples × OH*OW), so that
//
//	forward          Y[K][cols] = W[K][C*KH*KW] × col            (+ bias, ReLU in the GEMM's store)
//	backward data    col = Wᵀ × dY[K][cols], then col2im
//	backward filter  dW += dY[K][cols] × colᵀ                     (one long-K GEMM per chunk)
//
// and a multi-sample chunk's outputs are scattered into (or its dY gathered
// from) the NCHW layout. A chunk of one sample (or of a band of its rows)
// reads and writes the tensors in place. With enough chunks each thread
// takes a run of whole chunks on a serial GEMM (chunkTask; for dw,
// filterTask with per-thread partials); otherwise each chunk's GEMM runs
// on all threads on its own, and its unfolding, col2im and scatter in
// parallel over (sample, channel) items.
//
// These calls go to kernels/internal/gemm directly rather than through the Sgemm
// variable: the forward needs its epilogue. The reference kernels keep the
// seam.

// Chunk sizes (columns per GEMM), measured on this VM: GEMM speed against
// its width, and the conv passes with BenchmarkConvAlgo (wall time, two
// threads) and per-thread CPU time. The VM is shared and its timings
// scatter by ±30%; these are the settings that were never far behind.
//   - gemmTargetCols: a single-thread GEMM reaches its plateau (~80
//     GFLOP/s) by 300-600 columns, and the 2-thread GEMM splits the
//     columns, so 1024 gives each thread ~512. Per-thread CPU time favoured
//     512, two-thread wall time (fewer, larger calls) 1024-2048.
//   - gemmMinWork: every chunk costs a few fork-joins (the GEMM's and the
//     unfolding's), a few µs each and far more when the other core is busy;
//     chunks get at least 4M multiply-adds (~50 µs of GEMM), which matters
//     for few-channel layers (the 7x7 stem: 1300 columns).
//   - gemmBudget: the column matrix plus the gathered outputs (or output
//     gradients) of a chunk, in floats: 8 MiB, a quarter of the L3.
//   - gemmMinCols: the budget does not cut a chunk below 256 columns
//     (narrower GEMMs lose half their speed: 3x3 maps with 512 channels
//     have 4608-row columns).
//
// Backward data uses the same chunks. A smaller, L2-sized budget for its
// column matrix (the GEMM's output, col2im's input) looked better on 12x12
// maps in one-thread runs but lost up to a third on large maps (AlexNet's
// conv1) with two threads.
//
// They are variables only so that tests can shrink the chunks and run every
// split on small tensors.
var (
	gemmTargetCols = 1024
	gemmMinWork    = 1 << 22
	gemmBudget     = 1 << 21
	gemmMinCols    = 256
)

// gemmPlan is how the batched GEMM engine splits g's batch.
type gemmPlan struct {
	split  convSplit
	direct bool // pointwise: one-sample chunks read x (and write dx) in place
}

func (g ConvGeom) gemmSplit(direct bool) gemmPlan {
	kk := g.KH * g.KW
	target := gemmTargetCols
	if direct {
		target = pointwiseTargetCols
	}
	target = max(target, gemmMinWork/(g.K/g.Groups*g.C/g.Groups*kk))
	band := max(min(gemmMinCols, target), gemmBudget/(g.C*kk+g.K))
	return gemmPlan{split: newSplit(g.N, g.OH, g.OW, min(target, band), band), direct: direct}
}

// workspace is the scratch each direction needs: the column matrix (none
// when a pointwise chunk is one sample, read in place) and, for
// multi-sample chunks, the gathered outputs or output gradients.
func (p gemmPlan) workspace(g ConvGeom) int {
	kk, s := g.KH*g.KW, p.split
	switch {
	case p.direct && s.nb == 1:
		return 0
	case s.nb == 1:
		return g.C * kk * lineCols(s.maxCols)
	}
	return (g.C*kk + g.K) * lineCols(s.maxCols)
}

func gemmForward(g ConvGeom, p gemmPlan, x, w, bias, y, ws []float32, relu bool) {
	gemmForwardInto(g, p, x, w, bias, y, ws, relu, false)
}

// gemmForwardInto is gemmForward, adding the result onto y when
// accumulate (then bias must be nil and relu false). Chunks write disjoint
// parts of y, so with enough of them each thread takes a run of whole
// chunks (one fork-join per conv); otherwise the chunks run in turn, each
// split over the threads.
func gemmForwardInto(g ConvGeom, p gemmPlan, x, w, bias, y, ws []float32, relu, accumulate bool) {
	t := chunkTask{g: g, p: p, x: x, w: w, bias: bias, y: y, ws: ws, relu: relu, acc: accumulate}
	if lockOnceA(p.split.chunks) {
		defer unlockOnceA()
		onceA.packGroups(g, w)
		t.pw = &onceA
	}
	if t.parallel(&t.p.split, p.workspace(g)) {
		return
	}
	for i := 0; i < p.split.chunks; i++ {
		gemmForwardChunk(&t, i, ws, nil)
	}
}

// gemmForwardChunk computes chunk i of t's forward in workspace ws, on the
// calling thread alone when mm is set (its GEMM and loops serial), else
// with each part split over the threads.
func gemmForwardChunk(t *chunkTask, i int, ws []float32, mm *gemm.Serial) {
	g, p, x, y := t.g, t.p, t.x, t.y
	var beta float32
	if t.acc {
		beta = 1
	}
	kk := g.KH * g.KW
	cg, kg := g.C/g.Groups, g.K/g.Groups
	ckk, ohw := cg*kk, g.OH*g.OW
	xs, ys := g.xStride(), g.yStride()
	s := p.split
	c := s.chunk(i)
	cols, pc := s.cols(c), s.sampleCols(c)
	multi := c.samples() > 1
	b, ldb := ws, lineCols(cols)
	if p.direct && !multi {
		b, ldb = x[c.n0*xs+c.r0*g.W:], g.H*g.W
	} else {
		ct := convTask{op: opIm2col, g: g, c: c, src: x, dst: ws, ld: ldb, pcols: pc, pre: t.pre}
		ct.runOn(mm == nil, c.samples()*g.C, kk*pc)
	}
	var out []float32
	if multi {
		out = ws[g.C*kk*ldb:]
	}
	for gi := 0; gi < g.Groups; gi++ {
		ep := gemm.Epilogue{ReLU: t.relu}
		if t.bias != nil {
			ep.RowBias = t.bias[gi*kg : (gi+1)*kg]
		}
		bg := b[gi*ckk*ldb:]
		if t.pw != nil {
			if multi {
				sgemmPackedOn(mm, t.pw.mats[gi], cols, bg, ldb, 0, out[gi*kg*cols:], cols, ep)
			} else {
				sgemmPackedOn(mm, t.pw.mats[gi], cols, bg, ldb, beta, y[c.n0*ys+gi*kg*ohw+c.r0*g.OW:], ohw, ep)
			}
			continue
		}
		a := t.w[gi*kg*ckk:]
		if multi {
			sgemmOn(mm, false, false, kg, cols, ckk, 1, a, ckk, bg, ldb, 0, out[gi*kg*cols:], cols, ep)
		} else {
			sgemmOn(mm, false, false, kg, cols, ckk, 1, a, ckk, bg, ldb, beta, y[c.n0*ys+gi*kg*ohw+c.r0*g.OW:], ohw, ep)
		}
	}
	if multi {
		ct := convTask{op: opScatter, g: g, c: c, src: out, dst: y, ld: cols, pcols: pc, acc: t.acc}
		ct.runOn(mm == nil, c.samples(), g.K*pc)
	}
}

// gemmBackwardData computes dx (+)= conv_transpose(dy, w) chunk by chunk.
// Chunks of whole samples (and pointwise bands, whose dx rows are their dy
// rows) write disjoint parts of dx, so with enough of them each thread
// takes a run of whole chunks, as in the forward.
func gemmBackwardData(g ConvGeom, p gemmPlan, w, dy, dx, ws []float32, accumulate bool) {
	if t, ok := g.dataAsConv(); ok && !p.direct {
		dataAsConvBackward(g, t, w, dy, dx, ws, accumulate)
		return
	}
	t := chunkTask{kind: chunkData, g: g, p: p, w: w, x: dy, y: dx, ws: ws, acc: accumulate}
	if (p.split.parts == 1 || p.direct) && t.parallel(&t.p.split, p.workspace(g)) {
		return
	}
	for i := 0; i < p.split.chunks; i++ {
		gemmBackwardDataChunk(&t, i, ws, nil)
	}
}

// gemmBackwardDataChunk computes chunk i of t's backward data (t.x = dy,
// t.y = dx) in workspace ws, on the calling thread alone when mm is set.
func gemmBackwardDataChunk(t *chunkTask, i int, ws []float32, mm *gemm.Serial) {
	g, p, w, dx := t.g, t.p, t.w, t.y
	kk := g.KH * g.KW
	cg, kg := g.C/g.Groups, g.K/g.Groups
	ckk, hw, xs := cg*kk, g.H*g.W, g.xStride()
	s := p.split
	c := s.chunk(i)
	cols, pc := s.cols(c), s.sampleCols(c)
	d, ldd := dyColumns(g, s, c, t.x, ws, mm == nil)
	if c.samples() == 1 && p.direct {
		// dx rows [r0, r1) of this sample are the GEMM's output.
		var beta float32
		if t.acc {
			beta = 1
		}
		for gi := 0; gi < g.Groups; gi++ {
			sgemmOn(mm, true, false, cg, cols, kg, 1, w[gi*kg*cg:], cg, d[gi*kg*ldd:], ldd,
				beta, dx[c.n0*xs+gi*cg*hw+c.r0*g.W:], hw, gemm.Epilogue{})
		}
		return
	}
	col := ws[:g.C*kk*cols]
	for gi := 0; gi < g.Groups; gi++ {
		sgemmOn(mm, true, false, ckk, cols, kg, 1, w[gi*kg*ckk:], ckk, d[gi*kg*ldd:], ldd, 0, col[gi*ckk*cols:], cols, gemm.Epilogue{})
	}
	ct := convTask{op: opCol2im, g: g, c: c, src: col, dst: dx, ld: cols, pcols: pc, acc: t.acc}
	ct.runOn(mm == nil, c.samples()*g.C, kk*pc)
}

// gemmBackwardFilter overwrites dw. Each chunk's GEMM sums its columns (in
// 256-term blocks inside the GEMM) and adds onto the previous chunks' sum,
// like ConvBackwardFilter's filterChunk, rather than running one
// N*OH*OW-long float32 sum. With enough chunks each thread sums a run of
// them into its own partial (filterTask).
func gemmBackwardFilter(g ConvGeom, p gemmPlan, x, dy, dw, ws []float32) {
	t := filterTask{g: g, p: p, x: x, dy: dy, out: dw, ws: ws}
	if t.parallel(&t.p.split, p.workspace(g)) {
		return
	}
	for i := 0; i < p.split.chunks; i++ {
		var beta float32
		if i > 0 {
			beta = 1
		}
		gemmFilterChunk(g, p, i, x, dy, dw, ws, beta, nil)
	}
}

// im2col unfolds item (sample s of the chunk, input channel ci).
func (t *convTask) im2col(lo, hi int) {
	g := t.g
	if g.smallPlanes(t.c) {
		t.im2colSmall(lo, hi)
		return
	}
	if t.pre != nil {
		t.im2colPre(lo, hi)
		return
	}
	kk, hw, xs := g.KH*g.KW, g.H*g.W, g.xStride()
	for it := lo; it < hi; it++ {
		s, ci := it/g.C, it%g.C
		o := (t.c.n0+s)*xs + ci*hw
		im2colRows(g, t.src[o:o+hw], t.dst[ci*kk*t.ld+s*t.pcols:], t.ld, t.c.r0, t.c.r1)
	}
}

// col2im folds item (sample s, input channel ci) back into dx. Without
// accumulate, the chunk holding a sample's first rows clears its planes
// (later bands of the same sample add onto them).
func (t *convTask) col2im(lo, hi int) {
	g := t.g
	if g.smallPlanes(t.c) {
		t.col2imSmall(lo, hi)
		return
	}
	kk, hw, xs := g.KH*g.KW, g.H*g.W, g.xStride()
	for it := lo; it < hi; it++ {
		s, ci := it/g.C, it%g.C
		o := (t.c.n0+s)*xs + ci*hw
		dxc := t.dst[o : o+hw]
		col := t.src[ci*kk*t.ld+s*t.pcols:]
		if g.pointwise() && !t.acc {
			copy(dxc[t.c.r0*g.W:t.c.r1*g.W], col)
			continue
		}
		if !t.acc && t.c.r0 == 0 {
			clear(dxc)
		}
		col2imRows(g, col, t.ld, dxc, t.c.r0, t.c.r1)
	}
}

// gather copies sample s's rows [r0, r1) of every output channel of dy
// into the chunk matrix [K][ld].
func (t *convTask) gather(lo, hi int) {
	g := t.g
	ohw, ys := g.OH*g.OW, g.yStride()
	for s := lo; s < hi; s++ {
		o := (t.c.n0+s)*ys + t.c.r0*g.OW
		for k := 0; k < g.K; k++ {
			copy(t.dst[k*t.ld+s*t.pcols:][:t.pcols], t.src[o+k*ohw:])
		}
	}
}

// scatter is gather's inverse: the chunk matrix [K][ld] into y.
func (t *convTask) scatter(lo, hi int) {
	g := t.g
	ohw, ys := g.OH*g.OW, g.yStride()
	for s := lo; s < hi; s++ {
		o := (t.c.n0+s)*ys + t.c.r0*g.OW
		for k := 0; k < g.K; k++ {
			dst, src := t.dst[o+k*ohw:][:t.pcols], t.src[k*t.ld+s*t.pcols:][:t.pcols]
			if !t.acc {
				copy(dst, src)
				continue
			}
			for i, v := range src {
				dst[i] += v
			}
		}
	}
}

// dyColumns returns the chunk's dy as a K x cols matrix and its row stride:
// a view of dy for one sample, or, for several, the samples gathered side by
// side into ws after the column buffer (the C*kh*kw x cols im2col block).
func dyColumns(g ConvGeom, s convSplit, c chunk, dy, ws []float32, parallel bool) ([]float32, int) {
	if c.samples() == 1 {
		return dy[c.n0*g.yStride()+c.r0*g.OW:], g.OH * g.OW
	}
	cols := s.cols(c)
	d := ws[g.C*g.KH*g.KW*cols:]
	t := convTask{op: opGather, g: g, c: c, src: dy, dst: d, ld: cols, pcols: s.sampleCols(c)}
	t.runOn(parallel, c.samples(), g.K*s.sampleCols(c))
	return d, cols
}
