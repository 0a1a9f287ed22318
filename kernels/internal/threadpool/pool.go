// Package threadpool is the one set of worker threads that every kernel and
// the GEMM share, and the one knob that sizes it (Set). A kernel that splits
// its work calls Parallel; a Parallel made from inside another (a GEMM inside
// a conv's per-chunk work) runs on its caller alone, so the process never
// runs more busy threads than the knob says.
//
// Workers spin briefly after each chunk before they park: the ops of a
// training or inference step hand out work every few tens of microseconds,
// and waking a parked goroutine costs about as much as the work itself.
package threadpool

import (
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

// Task is work over an index range [0, n) that can be split into independent
// chunks. Kernels implement it on a long-lived value, so handing it to the
// workers allocates nothing.
type Task interface {
	Run(lo, hi int)
}

// spinFor is how long an idle worker (or a caller waiting for its workers)
// polls before it parks. Steps hand out work in bursts microseconds apart;
// a parked goroutine takes 5-50 µs to wake on a busy machine.
const spinFor = 50 * time.Microsecond

type pool struct {
	mu      sync.Mutex // held while a Parallel call owns the workers
	busy    atomic.Bool
	threads int
	workers []*worker
	pending atomic.Int32 // chunks handed out and not yet finished
	waiting atomic.Bool  // the caller has parked on done
	done    chan struct{}
}

type worker struct {
	seq      atomic.Uint32 // bumped once per chunk handed out (or to stop)
	sleeping atomic.Bool
	wake     chan struct{}
	// The chunk: written before seq is bumped, read after it is seen.
	t      Task
	lo, hi int
	stop   bool
}

var current atomic.Pointer[pool]

func init() { Set(0) }

// Set sets how many threads kernels and the GEMM use; n <= 0 means
// runtime.GOMAXPROCS(0). Old workers stop once idle.
func Set(n int) {
	if n <= 0 {
		n = runtime.GOMAXPROCS(0)
	}
	p := &pool{threads: n, done: make(chan struct{}, 1)}
	for i := 1; i < n; i++ {
		w := &worker{wake: make(chan struct{}, 1)}
		p.workers = append(p.workers, w)
		go w.loop(p)
	}
	if old := current.Swap(p); old != nil {
		old.mu.Lock()
		for _, w := range old.workers {
			w.stop = true
			w.post()
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
// results never depend on timing. Chunk 0 runs on the caller. With k <= 1, or
// while another Parallel owns the workers (a nested call), t runs on the
// caller alone.
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
	defer func() {
		p.busy.Store(false)
		p.mu.Unlock()
	}()
	p.pending.Store(int32(k - 1))
	for i := 1; i < k; i++ {
		w := p.workers[i-1]
		w.t, w.lo, w.hi = t, i*n/k, (i+1)*n/k
		w.post()
	}
	t.Run(0, n/k)
	p.wait()
}

// post publishes the worker's chunk and wakes it if it parked. The worker
// sets sleeping before its last look at seq and post bumps seq before it
// looks at sleeping, so one of the two always sees the other.
func (w *worker) post() {
	w.seq.Add(1)
	if w.sleeping.Load() {
		select {
		case w.wake <- struct{}{}:
		default:
		}
	}
}

func (w *worker) loop(p *pool) {
	var last uint32
	for {
		last = w.await(last)
		if w.stop {
			return
		}
		w.t.Run(w.lo, w.hi)
		w.t = nil // do not pin the task's data
		if p.pending.Add(-1) == 0 && p.waiting.Load() {
			select {
			case p.done <- struct{}{}:
			default:
			}
		}
	}
}

// await returns the first seq different from last: spinning for spinFor,
// then parked on wake (a stale token only makes it look again).
func (w *worker) await(last uint32) uint32 {
	if spinUntil(func() bool { return w.seq.Load() != last }) {
		return w.seq.Load()
	}
	for {
		w.sleeping.Store(true)
		if s := w.seq.Load(); s != last {
			w.sleeping.Store(false)
			return s
		}
		<-w.wake
		w.sleeping.Store(false)
		if s := w.seq.Load(); s != last {
			return s
		}
	}
}

// wait returns once every handed-out chunk has finished.
func (p *pool) wait() {
	if spinUntil(func() bool { return p.pending.Load() == 0 }) {
		return
	}
	for {
		p.waiting.Store(true)
		if p.pending.Load() == 0 {
			p.waiting.Store(false)
			return
		}
		<-p.done
		p.waiting.Store(false)
	}
}

// spinUntil polls cond for up to spinFor and reports whether it became true.
func spinUntil(cond func() bool) bool {
	var start time.Time
	for i := 0; ; i++ {
		if cond() {
			return true
		}
		if i&127 == 127 {
			if start.IsZero() {
				start = time.Now()
			} else if time.Since(start) > spinFor {
				return false
			}
		}
	}
}
