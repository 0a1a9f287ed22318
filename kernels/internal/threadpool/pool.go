// Package threadpool is the one set of worker threads that every kernel and
// the GEMM share, and the one knob that sizes it (Set). A kernel that splits
// its work calls Parallel; a Parallel made from inside another (a GEMM inside
// a conv's per-chunk work) runs on its caller alone, so the process never
// runs more busy threads than the knob says.
//
// A call's chunks are fixed by its size and the thread count, but not who
// runs them: the caller runs chunk 0 and then claims, like the workers, any
// chunk nobody has started, so a worker that wakes late or has lost its core
// leaves its chunk to the caller instead of holding up the join. Idle
// workers (and a caller waiting for the last chunk) poll for a bounded time
// before they park (idle.go): the ops of a step fork every few hundred
// microseconds, and waking a parked goroutine costs tens of them.
package threadpool

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// Task is work over an index range [0, n) that can be split into independent
// chunks. Kernels implement it on a long-lived value, so handing it to the
// workers allocates nothing.
type Task interface {
	Run(lo, hi int)
}

type pool struct {
	mu      sync.Mutex // held while a Parallel call owns the workers
	busy    atomic.Bool
	threads int
	workers []*worker
	stop    atomic.Bool

	// The call in progress. t and n are written before the call is
	// published in state, and a worker reads them only once it has claimed
	// one of the call's chunks, which holds the join (so t and n) until it
	// has finished.
	t     Task
	n     int
	state atomic.Uint64 // call<<32 | chunks<<16 | next chunk to claim
	done  atomic.Int32  // chunks of the call finished
	join  parker        // the caller, waiting for the last chunk
}

type worker struct{ parker }

// The fields of pool.state.
const (
	chunkBits = 16
	chunkMask = 1<<chunkBits - 1
	callShift = 2 * chunkBits
)

var current atomic.Pointer[pool]

// forks counts the Parallel calls that handed work to other threads, so
// that tests can bound a kernel's fork-joins.
var forks atomic.Int64

// Forks is the number of fork-joins so far.
func Forks() int64 { return forks.Load() }

func init() { Set(0) }

// Set sets how many threads kernels and the GEMM use; n <= 0 means
// runtime.GOMAXPROCS(0). Old workers stop once idle.
func Set(n int) {
	if n <= 0 {
		n = runtime.GOMAXPROCS(0)
	}
	n = min(n, chunkMask)
	p := &pool{threads: n, join: newParker()}
	for i := 1; i < n; i++ {
		w := &worker{newParker()}
		p.workers = append(p.workers, w)
		go w.loop(p)
	}
	if old := current.Swap(p); old != nil {
		old.mu.Lock()
		old.stop.Store(true)
		for _, w := range old.workers {
			w.wake()
		}
		old.mu.Unlock()
	}
}

// Threads is the thread count Set chose.
func Threads() int { return current.Load().threads }

// Available is the number of threads a Parallel call made now would get:
// Threads(), or 1 while another call owns the workers. Callers that split
// work into per-thread parts (the GEMM) size the split with it.
func Available() int {
	p := current.Load()
	if p.busy.Load() {
		return 1
	}
	return p.threads
}

// Parallel runs t over [0, n) and returns when every chunk is done. The range
// is cut into k = min(threads, n/minChunk) contiguous chunks, chunk i being
// [i*n/k, (i+1)*n/k): the same split for the same n and thread count, so
// results never depend on timing (nor on which thread ran a chunk). Chunk 0
// runs on the caller, the others on whichever thread claims them first. With
// k <= 1, or while another Parallel owns the workers (a nested call), t runs
// on the caller alone.
func Parallel(n, minChunk int, t Task) {
	p := current.Load()
	k := min(p.threads, n/max(1, minChunk))
	if k <= 1 || !p.mu.TryLock() {
		if n > 0 {
			t.Run(0, n)
		}
		return
	}
	p.busy.Store(true)
	forks.Add(1)
	defer func() {
		p.t = nil // do not pin the task's data
		p.busy.Store(false)
		p.mu.Unlock()
	}()
	p.t, p.n = t, n
	p.done.Store(0)
	call := p.state.Load()>>callShift + 1
	p.state.Store(call<<callShift | uint64(k)<<chunkBits | 1) // chunk 0 is the caller's
	for _, w := range p.workers[:k-1] {
		w.wake()
	}
	t.Run(0, n/k)
	ran := int32(1)
	for p.claimAndRun() != 0 {
		ran++
	}
	if p.done.Add(ran) != int32(k) {
		p.join.await(func() bool { return p.done.Load() == int32(k) })
	}
}

// claimAndRun runs the next unclaimed chunk of the current call, if any, and
// returns the call's chunk count, or 0 when there was none to claim. The
// caller counts its own chunks in done once, at the end; a worker counts
// each and wakes the caller after the last.
func (p *pool) claimAndRun() int32 {
	for {
		s := p.state.Load()
		i, k := int(s&chunkMask), int(s>>chunkBits&chunkMask)
		if i >= k {
			return 0
		}
		if p.state.CompareAndSwap(s, s+1) {
			p.t.Run(i*p.n/k, (i+1)*p.n/k)
			return int32(k)
		}
	}
}

// claimable reports whether the current call has a chunk nobody took.
func (p *pool) claimable() bool {
	s := p.state.Load()
	return s&chunkMask < s>>chunkBits&chunkMask
}

func (w *worker) loop(p *pool) {
	for {
		for {
			k := p.claimAndRun()
			if k == 0 {
				break
			}
			if p.done.Add(1) == k && p.join.wake() {
				// The caller is now queued behind this goroutine: let it run
				// here rather than wait to be stolen by another thread.
				runtime.Gosched()
			}
		}
		if p.stop.Load() {
			return
		}
		w.await(func() bool { return p.claimable() || p.stop.Load() })
	}
}
