package gemm

import (
	"sync"

	"github.com/netc/netc/kernels/internal/threadpool"
)

// Threading: a call is cut into at most T parts along N (or M) at tile
// boundaries, part 0 runs on the caller's goroutine and parts 1..T-1 on the
// workers of kernels/internal/threadpool (shared with every other kernel),
// so no goroutine is created per call. The partition
// depends only on the shape and T, never on timing, and (see workCtx.run)
// results are bitwise identical for every T.

// parallelMinWork is the m*n*k below which a call runs on one thread: handing
// a part to a worker costs a few microseconds, about a 16x128x150 GEMM.
const parallelMinWork = 1 << 20

// SetThreads sets how many threads later calls may use; n <= 0 means
// runtime.GOMAXPROCS(0). It is the same knob as kernels.SetThreads: both size
// the one worker pool in kernels/internal/threadpool.
func SetThreads(n int) { threadpool.Set(n) }

// Threads reports the thread count set by SetThreads.
func Threads() int { return threadpool.Threads() }

type part struct {
	g              *gemmArgs
	i0, i1, j0, j1 int
}

// pool holds the state of the call that owns the shared workers. A call
// made while another one owns them (a GEMM inside a kernel's parallel
// chunk, or from another goroutine) runs single-threaded on a context from
// spare, rather than wait.
var pool struct {
	mu    sync.Mutex
	args  gemmArgs
	parts []part
	ctxs  [maxParts]workCtx // part i's packing buffers
}

var spare = sync.Pool{New: func() any { return new(workCtx) }}

// partsTask runs parts [lo, hi) of pool.parts; threadpool.Parallel hands
// each part to its own thread, so part i always packs into ctxs[i].
type partsTask struct{}

func (partsTask) Run(lo, hi int) {
	for i := lo; i < hi; i++ {
		p := pool.parts[i]
		pool.ctxs[i].run(p.g, p.i0, p.i1, p.j0, p.j1)
	}
}

// execute runs a checked call on up to t threads.
func execute(g *gemmArgs, t int) {
	if g.m == 0 || g.n == 0 {
		return
	}
	if g.k == 0 || g.alpha == 0 {
		scaleC(g.m, g.n, g.beta, g.c, g.ldc, &g.ep)
		return
	}
	if g.m*g.n*g.k < parallelMinWork {
		t = 1
	}
	if !pool.mu.TryLock() {
		w := spare.Get().(*workCtx)
		w.run(g, 0, g.m, 0, g.n)
		spare.Put(w)
		return
	}
	// Work on a copy owned by the pool: handing the caller's g to workers
	// would make every call's arguments escape to the heap.
	pool.args = *g
	pool.parts = partition(&pool.args, t)
	threadpool.Parallel(len(pool.parts), 1, partsTask{})
	pool.parts = nil
	pool.args = gemmArgs{} // do not pin the caller's slices
	pool.mu.Unlock()
}

// maxParts bounds the partition so it fits a fixed array (no allocation).
const maxParts = 64

var partsBuf [maxParts]part

// partition splits the call into at most t parts of whole tiles. It splits
// N when op(A) is the smaller operand (every part packs all of A) and M
// otherwise (every part packs all of B), so the duplicated packing is the
// cheaper one. Called with pool.mu held.
func partition(g *gemmArgs, t int) []part {
	t = min(t, maxParts)
	ks := g.ks
	nt, mt := ceilDiv(g.n, ks.nr), ceilDiv(g.m, ks.mr)
	splitN := g.m <= g.n || g.pa != nil && nt >= t
	if splitN && nt < t || !splitN && mt < t {
		splitN = nt >= mt
	}
	tiles, step, size := mt, ks.mr, g.m
	if splitN {
		tiles, step, size = nt, ks.nr, g.n
	}
	t = max(1, min(t, tiles))
	ps := partsBuf[:t]
	for i := range ps {
		lo := min(size, i*tiles/t*step)
		hi := min(size, (i+1)*tiles/t*step)
		if splitN {
			ps[i] = part{g, 0, g.m, lo, hi}
		} else {
			ps[i] = part{g, lo, hi, 0, g.n}
		}
	}
	return ps
}

func ceilDiv(a, b int) int { return (a + b - 1) / b }
