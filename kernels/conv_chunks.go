package kernels

import (
	"sync"
	"sync/atomic"

	"github.com/netc/netc/kernels/internal/gemm"
)

// chunkTask is a conv pass whose chunks write disjoint outputs (forward by
// batched im2col + GEMM, pointwise or Winograd; backward data by the same
// engines over whole samples) split over the threads whole chunks at a
// time: each thread claims the next chunk not yet taken (chunkNext) and
// computes it from unfolding to stored output with its own workspace and a
// single-threaded GEMM. A chunk writes only its own outputs, and every
// output element is computed by the same arithmetic whichever thread runs
// its chunk, so results do not depend on the thread count nor on which
// thread took which chunk. One fork-join per conv replaces three or more
// per chunk (unfold, GEMM, scatter), which is where the second core was
// lost on layers of many small chunks. Claiming instead of a fixed run per
// thread matters on a shared machine: a worker that wakes late or loses
// its core for a while leaves its chunks to the others instead of holding
// up the join (thread CPU time per conv is balanced either way).
type chunkTask struct {
	kind            chunkKind
	g               ConvGeom
	p               gemmPlan           // im2col and pointwise
	wg              winoGeom           // Winograd
	s               convSplit          // Winograd
	x, w, bias, y   []float32          // Winograd: w holds the transformed kernels U
	pw              *ConvPackedWeights // forward: w (or U) packed once; then w is unused
	pre             *PreNorm           // forward: normalises x as it reads it (nil: x as it is)
	ws              []float32          // the caller's workspace: thread 0's
	relu, acc       bool
	threads, chunks int
	work            int // workspace one chunk needs, for the other threads
}

// chunkedPasses counts the passes that ran chunk-parallel, so that tests can
// tell that they exercised this path.
var chunkedPasses atomic.Int64

type chunkKind uint8

const (
	chunkForward chunkKind = iota // batched im2col or pointwise forward
	chunkWino                     // Winograd forward or backward data
	chunkData                     // batched im2col or pointwise backward data: x = dy, y = dx
)

var chunkShared struct{ t chunkTask }

// forkChunks runs a chunked pass's slots [0, threads) on the threads; a
// variable only so that a test can hold the other threads back.
var forkChunks = func(threads int, t Task) { Parallel(threads, 1, t) }

// chunkNext is the next chunk of chunkShared.t to claim; guarded, like the
// task, by slotsMu (one chunked pass at a time).
var chunkNext atomic.Int64

// convSlots[s] is thread s's private state in a chunked pass or a split of
// Winograd's 16 GEMMs: a GEMM with its own packing buffers and (for s > 0)
// a workspace. They grow to the largest layer and are reused, so
// steady-state passes allocate nothing. slotsMu guards them and the shared
// task copies: a pass that finds it held (another goroutine's net) runs
// without the slots, chunk by chunk on the shared threads.
var (
	slotsMu   sync.Mutex
	convSlots []convSlot
)

type convSlot struct {
	mm   gemm.Serial
	ws   []float32
	part []float32 // a weight gradient's partial sum (filterTask)
}

// parallel runs the chunks of *split (t's own split, which it re-cuts into
// a multiple of the thread count, see evenSplit) over the threads and
// reports true, or reports false (and changes nothing) when that would not
// pay: one thread, fewer chunks than threads, or another chunked
// pass running concurrently. work is the workspace one chunk of the
// original split needs.
func (t *chunkTask) parallel(split *convSplit, work int) bool {
	threads := Threads()
	if threads < 2 {
		return false
	}
	e := evenSplit(*split, threads)
	chunks := e.chunks
	if chunks < threads || chunks%threads != 0 && chunks < 4*threads {
		return false
	}
	if !slotsMu.TryLock() {
		return false
	}
	defer slotsMu.Unlock()
	// Only now: a caller that gets false runs its own split's chunks.
	*split = e
	for len(convSlots) < threads {
		convSlots = append(convSlots, convSlot{})
	}
	for s := 1; s < threads; s++ {
		if cap(convSlots[s].ws) < work {
			convSlots[s].ws = make([]float32, work)
		}
	}
	chunkedPasses.Add(1)
	t.threads, t.chunks, t.work = threads, chunks, work
	chunkShared.t = *t
	chunkNext.Store(0)
	forkChunks(threads, &chunkShared.t)
	chunkShared.t = chunkTask{} // do not pin the caller's slices
	return true
}

// evenSplit re-cuts a split of whole samples into the fewest chunks that
// are a multiple of threads and no larger than s's own (so the workspace
// still fits), when there are enough samples; splits into bands of rows
// and splits that already divide evenly are kept. Forward results do not
// depend on the cut: every output is computed by the same arithmetic.
func evenSplit(s convSplit, threads int) convSplit {
	if s.parts > 1 || s.chunks%threads == 0 {
		return s
	}
	chunks := divUp(s.chunks, threads) * threads
	if chunks > s.n {
		return s
	}
	e := s
	e.chunks = chunks
	e.nb = divUp(s.n, chunks)
	e.maxCols = e.nb * s.rows * s.rowCols
	return e
}

func (t *chunkTask) Run(lo, hi int) {
	for s := lo; s < hi; s++ {
		sl := &convSlots[s]
		ws := t.ws
		if s > 0 {
			ws = sl.ws[:t.work]
		}
		for {
			i := int(chunkNext.Add(1) - 1)
			if i >= t.chunks {
				break
			}
			switch t.kind {
			case chunkWino:
				winoChunk(t, i, ws, &sl.mm)
			case chunkData:
				gemmBackwardDataChunk(t, i, ws, &sl.mm)
			default:
				gemmForwardChunk(t, i, ws, &sl.mm)
			}
		}
	}
}

// runOn runs t over [0, n) on the kernel threads when parallel, else on the
// calling thread alone.
func (t *convTask) runOn(parallel bool, n, cost int) {
	if parallel {
		t.run(n, cost)
		return
	}
	t.Run(0, n)
}

// sgemmOn runs a GEMM on mm (the calling thread alone) or, with mm nil, on
// the shared threads.
func sgemmOn(mm *gemm.Serial, transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int, ep gemm.Epilogue) {
	if mm != nil {
		mm.SgemmEpilogue(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, ep)
		return
	}
	gemm.SgemmEpilogue(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, ep)
}

// sgemmPackedOn is sgemmOn (not transposed) with A packed in pa.
func sgemmPackedOn(mm *gemm.Serial, pa *gemm.PackedA, n int, b []float32, ldb int, beta float32, c []float32, ldc int, ep gemm.Epilogue) {
	if mm != nil {
		mm.SgemmPacked(pa, false, n, 1, b, ldb, beta, c, ldc, ep)
		return
	}
	gemm.SgemmPacked(pa, false, n, 1, b, ldb, beta, c, ldc, ep)
}

// gemm16Task is Winograd's 16 independent GEMMs of one chunk (one per tile
// position ξν, matrix i at offset i*as, i*bs, i*cs), split over the threads
// a run of whole GEMMs each, on their gemm.Serial: one fork-join for the 16
// instead of one per GEMM, and each product bitwise what the shared GEMM
// gives (its results do not depend on the thread count).
type gemm16Task struct {
	transA, transB bool
	m, n, k        int
	a, b, c        []float32
	lda, ldb, ldc  int
	as, bs, cs     int
	beta           float32
	threads        int
	pa             []*gemm.PackedA // the 16 A matrices packed (forward), else a
}

var gemm16Shared struct{ t gemm16Task } // guarded by slotsMu

// run computes the 16 products, split over the threads when there are two
// or more and the slots are free, else one after the other, each on all
// threads.
func (t *gemm16Task) run() {
	threads := Threads()
	if threads >= 2 && slotsMu.TryLock() {
		for len(convSlots) < threads {
			convSlots = append(convSlots, convSlot{})
		}
		t.threads = threads
		gemm16Shared.t = *t
		Parallel(threads, 1, &gemm16Shared.t)
		gemm16Shared.t = gemm16Task{} // do not pin the caller's slices
		slotsMu.Unlock()
		return
	}
	for i := 0; i < 16; i++ {
		t.one(i, nil)
	}
}

func (t *gemm16Task) Run(lo, hi int) {
	for s := lo; s < hi; s++ {
		for i := s * 16 / t.threads; i < (s+1)*16/t.threads; i++ {
			t.one(i, &convSlots[s].mm)
		}
	}
}

func (t *gemm16Task) one(i int, mm *gemm.Serial) {
	if t.pa != nil {
		sgemmPackedOn(mm, t.pa[i], t.n, t.b[i*t.bs:], t.ldb, t.beta, t.c[i*t.cs:], t.ldc, gemm.Epilogue{})
		return
	}
	sgemmOn(mm, t.transA, t.transB, t.m, t.n, t.k, 1, t.a[i*t.as:], t.lda, t.b[i*t.bs:], t.ldb, t.beta, t.c[i*t.cs:], t.ldc, gemm.Epilogue{})
}
