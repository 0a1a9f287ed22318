package gemm

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// Threading: a call is cut into at most T parts along N (or M) at tile
// boundaries, part 0 runs on the caller's goroutine and parts 1..T-1 on
// persistent workers, so no goroutine is created per call. The partition
// depends only on the shape and T, never on timing, and (see workCtx.run)
// results are bitwise identical for every T.

// parallelMinWork is the m*n*k below which a call runs on one thread: waking
// a parked worker costs a few microseconds, about a 16x128x150 GEMM.
const parallelMinWork = 1 << 20

var threads atomic.Int64

// SetThreads sets how many threads later calls may use; n <= 0 means
// runtime.GOMAXPROCS(0), the default.
func SetThreads(n int) {
	if n <= 0 {
		n = runtime.GOMAXPROCS(0)
	}
	threads.Store(int64(n))
}

// Threads reports the thread count set by SetThreads.
func Threads() int {
	n := int(threads.Load())
	if n <= 0 {
		n = runtime.GOMAXPROCS(0)
	}
	return n
}

type part struct {
	g              *gemmArgs
	i0, i1, j0, j1 int
}

type worker struct {
	ctx   workCtx
	start chan part
}

// pool is the shared set of workers. One call owns it at a time; a
// concurrent call that finds it busy runs single-threaded on a context from
// spare, rather than wait.
var pool struct {
	mu      sync.Mutex
	args    gemmArgs
	main    workCtx // the calling goroutine's buffers
	workers []*worker
	done    chan struct{}
}

var spare = sync.Pool{New: func() any { return new(workCtx) }}

func (w *worker) loop() {
	for p := range w.start {
		w.ctx.run(p.g, p.i0, p.i1, p.j0, p.j1)
		pool.done <- struct{}{}
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
	runPool(t)
	pool.args = gemmArgs{} // do not pin the caller's slices
	pool.mu.Unlock()
}

// runPool runs pool.args on up to t threads; pool.mu is held.
func runPool(t int) {
	g := &pool.args
	parts := partition(g, t)
	if len(parts) == 1 {
		pool.main.run(g, 0, g.m, 0, g.n)
		return
	}
	if pool.done == nil {
		pool.done = make(chan struct{}, maxParts)
	}
	for len(pool.workers) < len(parts)-1 {
		w := &worker{start: make(chan part, 1)}
		pool.workers = append(pool.workers, w)
		go w.loop()
	}
	for i, p := range parts[1:] {
		pool.workers[i].start <- p
	}
	p := parts[0]
	pool.main.run(g, p.i0, p.i1, p.j0, p.j1)
	for range parts[1:] {
		<-pool.done
	}
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
