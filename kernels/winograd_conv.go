package kernels

import "github.com/netc/netc/kernels/internal/gemm"

// The three Winograd F(2x2,3x3) passes (ConvWinograd). Workspace layout:
// U (16 × K × C: transformed weights, or their gradient) then, per chunk of
// T tiles, V (16 × Cin × T: transformed input tiles) and M (16 × Cout × T).
//
//	forward          U = G w Gᵀ;  V = Bᵀ x B;  M = U V;  y = Aᵀ M A (+ bias, ReLU)
//	backward data    the same with dy as input and the 180°-rotated,
//	                 transposed kernel: dx is a stride-1 conv of dy padded by 2-P
//	backward filter  V = Bᵀ x B;  Z = A dy Aᵀ;  dU += Z Vᵀ (16 GEMMs with
//	                 K = tiles, summed over chunks);  dw = Gᵀ dU G
//
// With enough chunks each thread takes a run of whole chunks (chunkTask; for
// dU, filterTask with per-thread partials); otherwise a chunk's 16 GEMMs are
// split over the threads and its transforms run in parallel over (sample,
// channel) planes.

func winoForward(g ConvGeom, x, w, bias, y, ws []float32, relu bool) {
	wg := g.winoForwardGeom()
	u := ws[:16*g.winoUMat()]
	t := convTask{op: opWinoWeights, g: g, src: w, dst: u}
	t.run(g.K, 32*g.C)
	winoRun(wg, g.winoSplit().fwd, x, u, nil, nil, bias, y, ws[len(u):], relu, false)
}

// winoForwardPacked is winoForward with U transformed and packed in pw, of
// pre(x) when pre is set.
func winoForwardPacked(g ConvGeom, pw *ConvPackedWeights, pre *PreNorm, x, bias, y, ws []float32, relu bool) {
	skip := 16 * g.winoUMat() // the workspace's U, unused
	wg := g.winoForwardGeom()
	winoRun(wg, wg.packedSplit(g.N, g.winoSplit().fwd), x, nil, pw, pre, bias, y, ws[skip:], relu, false)
}

func winoBackwardData(g ConvGeom, w, dy, dx, ws []float32, accumulate bool) {
	wg := g.winoDataGeom()
	u := ws[:16*g.winoUMat()]
	t := convTask{op: opWinoWeightsFlip, g: g, src: w, dst: u}
	t.run(g.K, 32*g.C)
	winoRun(wg, g.winoSplit().data, dy, u, nil, nil, nil, dx, ws[len(u):], false, accumulate)
}

// winoRun computes out = conv(in, u) chunk by chunk: u holds the 16
// transformed kernels [ξν][cout][cin] (or pw, packed). Chunks write
// disjoint parts of out, so with enough of them each thread takes a run of
// whole chunks.
func winoRun(wg winoGeom, s convSplit, in, u []float32, pw *ConvPackedWeights, pre *PreNorm, bias, out, ws []float32, relu, accumulate bool) {
	t := chunkTask{kind: chunkWino, wg: wg, s: s, x: in, w: u, pw: pw, pre: pre, bias: bias, y: out, ws: ws, relu: relu, acc: accumulate}
	if pw == nil && lockOnceA(s.chunks) {
		defer unlockOnceA()
		onceA.packWino(wg.cout, wg.cin, u, winoMat(wg.cout*wg.cin))
		t.pw = &onceA
	}
	if t.parallel(&t.s, winoChunkWork(wg, s)) {
		return
	}
	for i := 0; i < s.chunks; i++ {
		winoChunk(&t, i, ws, nil)
	}
}

// winoChunkWork is the scratch one chunk needs: its V and M, rows padded
// to lineCols.
func winoChunkWork(wg winoGeom, s convSplit) int {
	ld := lineCols(s.maxCols)
	return 16*winoMat(wg.cin*ld) + 16*winoMat(wg.cout*ld)
}

// winoChunk computes chunk i of t in workspace ws, serially when mm is set.
func winoChunk(t *chunkTask, i int, ws []float32, mm *gemm.Serial) {
	wg, s := t.wg, t.s
	c := s.chunk(i)
	tiles, pc := s.cols(c), s.sampleCols(c)
	ld := lineCols(tiles) // rows of V (the GEMMs' B) and M on 64-byte lines
	v := ws[:16*winoMat(wg.cin*ld)]
	m := ws[len(v):][:16*winoMat(wg.cout*ld)]
	ct := convTask{op: opWinoInput, wg: wg, c: c, src: t.x, dst: v, ld: ld, pcols: pc, pre: t.pre}
	ct.runOn(mm == nil, c.samples()*wg.cin, 20*pc)
	us, vs, ms := winoMat(wg.cout*wg.cin), winoMat(wg.cin*ld), winoMat(wg.cout*ld)
	switch {
	case mm == nil:
		gt := gemm16Task{m: wg.cout, n: tiles, k: wg.cin, a: t.w, lda: wg.cin, as: us, b: v, ldb: ld, bs: vs, c: m, ldc: ld, cs: ms}
		if t.pw != nil {
			gt.pa = t.pw.mats
		}
		gt.run()
	case t.pw != nil:
		for xn := 0; xn < 16; xn++ {
			mm.SgemmPacked(t.pw.mats[xn], false, tiles, 1, v[xn*vs:], ld, 0, m[xn*ms:], ld, gemm.Epilogue{})
		}
	default:
		for xn := 0; xn < 16; xn++ {
			mm.Sgemm(false, false, wg.cout, tiles, wg.cin, 1, t.w[xn*us:], wg.cin, v[xn*vs:], ld, 0, m[xn*ms:], ld)
		}
	}
	ct = convTask{op: opWinoOutput, wg: wg, c: c, src: m, dst: t.y, bias: t.bias, ld: ld, pcols: pc,
		relu: t.relu, acc: t.acc}
	ct.runOn(mm == nil, c.samples()*wg.cout, 20*pc)
}

// winoBackwardFilter sums dU chunk by chunk (each chunk's 16 GEMMs adding
// onto the previous chunks' sum), or with enough chunks a run of them per
// thread into its own partial (filterTask), then transforms dU into dw.
func winoBackwardFilter(g ConvGeom, x, dy, dw, ws []float32) {
	wg := g.winoForwardGeom()
	s := g.winoSplit().fwd
	du := ws[:16*g.winoUMat()]
	rest := ws[len(du):]
	t := filterTask{wino: true, g: g, wg: wg, s: s, x: x, dy: dy, out: du, ws: rest}
	if !t.parallel(&t.s, winoChunkWork(wg, s)) {
		for i := 0; i < s.chunks; i++ {
			var beta float32
			if i > 0 {
				beta = 1
			}
			winoFilterChunk(g, wg, s, i, x, dy, du, rest, beta, nil)
		}
	}
	ct := convTask{op: opWinoWeightGrad, g: g, src: du, dst: dw}
	ct.run(g.K, 32*g.C)
}

// winoWeights transforms the kernels of output channels [lo, hi), each
// sub-kernel q of kernel (k, c) into U[ξν][k][q*C+c] (forward), or with
// flip, from the rotated kernel, into U[ξν][c][q*K+k] (backward data's conv
// of dy).
func (t *convTask) winoWeights(lo, hi int, flip bool) {
	g := t.g
	kc, s, kk := g.winoUMat(), g.winoSub(), g.KH*g.KW
	for k := lo; k < hi; k++ {
		for c := 0; c < g.C; c++ {
			w := t.src[(k*g.C+c)*kk:][:kk]
			for q := range s * s {
				sub := winoSubKernel(w, g.KH, q/s, q%s, flip)
				if flip {
					winoWeight(&sub, t.dst[c*g.K*s*s+q*g.K+k:], kc)
				} else {
					winoWeight(&sub, t.dst[k*g.C*s*s+q*g.C+c:], kc)
				}
			}
		}
	}
}

// winoWeightGrad turns dU[ξν][k][q*C+c] into dw for output channels
// [lo, hi): each sub-kernel's gradient lands on its rows and columns of the
// kernel, the padding's dropped.
func (t *convTask) winoWeightGrad(lo, hi int) {
	g := t.g
	kc, s, n := g.winoUMat(), g.winoSub(), g.KH
	for k := lo; k < hi; k++ {
		for c := 0; c < g.C; c++ {
			dw := t.dst[(k*g.C+c)*n*n:][:n*n]
			for q := range s * s {
				var sub [9]float32
				winoWeightGrad(t.src[k*g.C*s*s+q*g.C+c:], kc, &sub)
				qa, qb := q/s, q%s
				for a := range min(3, n-3*qa) {
					for b := range min(3, n-3*qb) {
						dw[(3*qa+a)*n+3*qb+b] = sub[3*a+b]
					}
				}
			}
		}
	}
}

// The transforms below walk a plane's tiles of rows [r0, r1) in order
// (their columns in the chunk matrices are consecutive), winoSeg at a time
// through the stage, a segment spanning tile rows when rows are short.

// winoInput transforms item (sample s of the chunk, input channel ci) into
// V[ξν][ci][s's columns].
func (t *convTask) winoInput(lo, hi int) {
	if haveWinoVec {
		t.winoInputPieces(lo, hi)
		return
	}
	wg := t.wg
	vs := winoMat(wg.cin * t.ld)
	var sc winoScratch
	buf, scratch := t.preScratch(wg.ih * wg.iw)
	if buf != nil {
		defer prePlanes.Put(buf)
	}
	a, b := wg.inputRows(t.c.r0, t.c.r1)
	for it := lo; it < hi; it++ {
		s, ci := it/wg.cin, it%wg.cin
		p, offH, offW := wg.inputPlane(ci)
		o := (t.c.n0+s)*wg.xs + p*wg.ih*wg.iw
		plane := t.preRows(t.src[o:o+wg.ih*wg.iw], scratch, p, wg.iw, a, b)
		v := t.dst[ci*t.ld+s*t.pcols:]
		for t0 := 0; t0 < t.pcols; t0 += winoSeg {
			n := min(winoSeg, t.pcols-t0)
			for at := 0; at < n; {
				th, tw := t.c.r0+(t0+at)/wg.tw, (t0+at)%wg.tw
				cnt := min(n-at, wg.tw-tw)
				sc.input(plane, wg.ih, wg.iw, 2*th+offH, 2*tw+offW, at, cnt)
				at += cnt
			}
			sc.put(v[t0:], vs, n)
		}
	}
}

// winoOutput transforms item (sample s, output channel k) back: Aᵀ M A for
// each tile, plus bias, then ReLU or accumulate, stored where the tile
// lies inside the output plane.
func (t *convTask) winoOutput(lo, hi int) {
	if haveWinoVec {
		t.winoOutputPieces(lo, hi)
		return
	}
	wg := t.wg
	ms := winoMat(wg.cout * t.ld)
	var sc winoScratch
	for it := lo; it < hi; it++ {
		s, k := it/wg.cout, it%wg.cout
		o := (t.c.n0+s)*wg.ys + k*wg.oh*wg.ow
		plane := t.dst[o : o+wg.oh*wg.ow]
		var bias float32
		if t.bias != nil {
			bias = t.bias[k]
		}
		m := t.src[k*t.ld+s*t.pcols:]
		for t0 := 0; t0 < t.pcols; t0 += winoSeg {
			n := min(winoSeg, t.pcols-t0)
			sc.get(m[t0:], ms, n)
			for at := 0; at < n; {
				th, tw := t.c.r0+(t0+at)/wg.tw, (t0+at)%wg.tw
				cnt := min(n-at, wg.tw-tw)
				sc.output(at, cnt)
				oh, ow := 2*th, 2*tw
				cols := min(2*cnt, wg.ow-ow)
				for r := 0; r < 2 && oh+r < wg.oh; r++ {
					finishRow(plane[(oh+r)*wg.ow+ow:][:cols], sc.rows[r][:cols], bias, t.acc, t.relu)
				}
				at += cnt
			}
		}
	}
}

// winoGradOut transforms item (sample s, output channel k) of dy: Z = A e Aᵀ
// for each 2x2 tile e (zero past the plane's edge).
func (t *convTask) winoGradOut(lo, hi int) {
	if haveWinoVec {
		t.winoGradOutPieces(lo, hi)
		return
	}
	wg := t.wg
	zs := winoMat(wg.cout * t.ld)
	var sc winoScratch
	t.winoGradOutItems(lo, hi, func(plane, z []float32) {
		for t0 := 0; t0 < t.pcols; t0 += winoSeg {
			n := min(winoSeg, t.pcols-t0)
			wg.winoGradOutRuns(plane, t.c.r0, t0, n, sc.rows[0][:], sc.rows[1][:], false, sc.gradOut)
			sc.put(z[t0:], zs, n)
		}
	})
}

// finishRow stores a transformed output row: y = src + bias, then y += old
// y (accumulate) or y = max(y, 0) (relu, NaN kept).
func finishRow(y, src []float32, bias float32, acc, relu bool) {
	src = src[:len(y)]
	switch {
	case acc:
		for i, v := range src {
			y[i] += v + bias
		}
	case relu:
		for i, v := range src {
			v += bias
			if v < 0 {
				v = 0
			}
			y[i] = v
		}
	default:
		for i, v := range src {
			y[i] = v + bias
		}
	}
}
