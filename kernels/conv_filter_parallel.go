package kernels

import "github.com/netc/netc/kernels/internal/gemm"

// filterTask is a conv's weight gradient (the batched im2col or pointwise
// GEMM's dw, or Winograd's dU) split over the threads a run of whole chunks
// each: thread s sums the products of its chunks [s*chunks/T, (s+1)*chunks/T)
// into its own partial (thread 0 into out itself, the others into their
// slot's part), on its own workspace and a single-threaded GEMM, from
// unfolding to product; then the partials are added onto out in thread
// order, out = ((p0 + p1) + p2) + ..., element by element. Two fork-joins per
// pass instead of two or three per chunk (unfold, gather, GEMM), which is
// where the second thread was lost on layers of many small chunks (ResNet's
// stage 1: 64 one-sample chunks per conv).
//
// The summation order, and so the bits of the result, depend on the thread
// count (each partial is a different run of chunks), never on timing: the
// same inputs and thread count give the same bits. One thread takes the
// serial path, chunk after chunk onto out, as before.
type filterTask struct {
	wino            bool
	g               ConvGeom
	p               gemmPlan  // im2col and pointwise
	wg              winoGeom  // Winograd
	s               convSplit // Winograd
	x, dy           []float32
	out             []float32 // dw, or Winograd's dU (16 transformed gradients)
	ws              []float32 // the caller's workspace, after out for Winograd: thread 0's
	threads, chunks int
	work            int // workspace one chunk needs, for the other threads
}

var filterShared struct {
	t filterTask
	r partialSum
}

// filterMinCols is the GEMM columns (output positions, or Winograd tiles,
// summed over the batch) each thread must get for the per-thread partials
// to pay: adding a partial costs about as much as a few columns of GEMM per
// weight, and a layer with few columns (ResNet's stage 4: 576 at batch 64,
// in one or two chunks) has few fork-joins to save while its GEMMs split
// well by output tiles. A variable only so that tests can run the partials
// on small tensors.
var filterMinCols = 512

// parallel sums t's chunks of *split (re-cut into a multiple of the thread
// count, see evenSplit) in per-thread partials and reports true, or
// reports false (changing nothing) when that would not pay: then the
// caller sums chunk by chunk. When another goroutine's pass holds the
// slots, the calling thread computes the same partials in turn (runAlone).
func (t *filterTask) parallel(split *convSplit, work int) bool {
	threads := Threads()
	if threads < 2 || split.n*split.rows*split.rowCols < threads*filterMinCols {
		return false
	}
	e := evenSplit(*split, threads)
	chunks := e.chunks
	if chunks < threads || chunks%threads != 0 && chunks < 4*threads {
		return false
	}
	*split = e
	t.threads, t.chunks, t.work = threads, chunks, work
	if !slotsMu.TryLock() {
		t.runAlone()
		return true
	}
	defer slotsMu.Unlock()
	for len(convSlots) < threads {
		convSlots = append(convSlots, convSlot{})
	}
	for s := 1; s < threads; s++ {
		sl := &convSlots[s]
		if cap(sl.ws) < work {
			sl.ws = make([]float32, work)
		}
		if cap(sl.part) < len(t.out) {
			sl.part = make([]float32, len(t.out))
		}
	}
	chunkedPasses.Add(1)
	filterShared.t = *t
	Parallel(threads, 1, &filterShared.t)
	filterShared.t = filterTask{} // do not pin the caller's slices
	filterShared.r = partialSum{out: t.out, threads: threads}
	Parallel(len(t.out), parMinWork, &filterShared.r)
	filterShared.r = partialSum{}
	return true
}

func (t *filterTask) Run(lo, hi int) {
	for s := lo; s < hi; s++ {
		sl := &convSlots[s]
		if s == 0 {
			t.partial(0, t.out, t.ws, &sl.mm)
		} else {
			t.partial(s, sl.part[:len(t.out)], sl.ws[:t.work], &sl.mm)
		}
	}
}

// partial sums thread s's run of chunks into dst in workspace ws, on the
// calling thread alone when mm is set.
func (t *filterTask) partial(s int, dst, ws []float32, mm *gemm.Serial) {
	first := s * t.chunks / t.threads
	for i := first; i < (s+1)*t.chunks/t.threads; i++ {
		var beta float32
		if i > first {
			beta = 1
		}
		if t.wino {
			winoFilterChunk(t.g, t.wg, t.s, i, t.x, t.dy, dst, ws, beta, mm)
		} else {
			gemmFilterChunk(t.g, t.p, i, t.x, t.dy, dst, ws, beta, mm)
		}
	}
}

// runAlone computes the partials the threads would, one after the other
// (each on the shared threads where they are free), and adds them in the
// same order, so that the result has the same bits as a parallel pass. It
// allocates the one partial it needs beyond out: it runs only while
// another goroutine's conv holds the slots.
func (t *filterTask) runAlone() {
	t.partial(0, t.out, t.ws, nil)
	part := make([]float32, len(t.out))
	for s := 1; s < t.threads; s++ {
		t.partial(s, part, t.ws, nil)
		for i, v := range part {
			t.out[i] += v
		}
	}
}

// partialSum adds threads 1.. partials onto out (thread 0's) in thread
// order, over elements [lo, hi): each element's sum is the same however
// the range is split.
type partialSum struct {
	out     []float32
	threads int
}

func (r *partialSum) Run(lo, hi int) {
	out := r.out[lo:hi]
	for s := 1; s < r.threads; s++ {
		part := convSlots[s].part[lo:hi]
		for i, v := range part {
			out[i] += v
		}
	}
}

// gemmFilterChunk computes chunk i's dw product, dst = dY × colᵀ + beta*dst
// (per group), in workspace ws: on the calling thread alone when mm is
// set, else with the unfolding and the GEMM split over the threads.
func gemmFilterChunk(g ConvGeom, p gemmPlan, i int, x, dy, dst, ws []float32, beta float32, mm *gemm.Serial) {
	kk := g.KH * g.KW
	cg, kg := g.C/g.Groups, g.K/g.Groups
	ckk, hw, xs := cg*kk, g.H*g.W, g.xStride()
	s := p.split
	c := s.chunk(i)
	cols, pc := s.cols(c), s.sampleCols(c)
	multi := c.samples() > 1
	d, ldd := dyColumns(g, s, c, dy, ws, mm == nil)
	b, ldb := ws, cols
	if p.direct && !multi {
		b, ldb = x[c.n0*xs+c.r0*g.W:], hw
	} else {
		t := convTask{op: opIm2col, g: g, c: c, src: x, dst: ws, ld: cols, pcols: pc}
		t.runOn(mm == nil, c.samples()*g.C, kk*pc)
	}
	for gi := 0; gi < g.Groups; gi++ {
		sgemmOn(mm, false, true, kg, ckk, cols, 1, d[gi*kg*ldd:], ldd, b[gi*ckk*ldb:], ldb, beta, dst[gi*kg*ckk:], ckk, gemm.Epilogue{})
	}
}

// winoFilterChunk computes chunk i's dU product, du[ξν] = Z[ξν] V[ξν]ᵀ +
// beta*du[ξν] for the 16 tile positions, in workspace ws (its V and Z): on
// the calling thread alone when mm is set, else with the transforms and
// the 16 GEMMs split over the threads.
func winoFilterChunk(g ConvGeom, wg winoGeom, s convSplit, i int, x, dy, du, ws []float32, beta float32, mm *gemm.Serial) {
	c := s.chunk(i)
	tiles, pc := s.cols(c), s.sampleCols(c)
	us, vs, zs := g.winoUMat(), winoMat(wg.cin*tiles), winoMat(g.K*tiles)
	v := ws[:16*vs]
	z := ws[len(v):][:16*zs]
	t := convTask{op: opWinoInput, wg: wg, c: c, src: x, dst: v, ld: tiles, pcols: pc}
	t.runOn(mm == nil, c.samples()*wg.cin, 20*pc)
	t = convTask{op: opWinoGradOut, wg: wg, c: c, src: dy, dst: z, ld: tiles, pcols: pc}
	t.runOn(mm == nil, c.samples()*g.K, 20*pc)
	gt := gemm16Task{transB: true, m: g.K, n: wg.cin, k: tiles, a: z, lda: tiles, as: zs, b: v, ldb: tiles, bs: vs,
		c: du, ldc: wg.cin, cs: us, beta: beta}
	if mm == nil {
		gt.run()
		return
	}
	for xn := 0; xn < 16; xn++ {
		gt.one(xn, mm)
	}
}
