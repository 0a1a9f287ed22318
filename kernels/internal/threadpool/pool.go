// Package threadpool is the one set of worker threads that every kernel and
// the GEMM share, and the one knob that sizes it (Set). A kernel that splits
// its work calls Parallel; a Parallel made from inside another (a GEMM inside
// a conv's per-chunk work) runs on its caller alone, so the process never
// runs more busy threads than the knob says.
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
	jobs    []chan job
	done    sync.WaitGroup
}

type job struct {
	t      Task
	lo, hi int
}

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
	p := &pool{threads: n}
	for i := 1; i < n; i++ {
		ch := make(chan job)
		p.jobs = append(p.jobs, ch)
		go func() {
			for j := range ch {
				j.t.Run(j.lo, j.hi)
				p.done.Done()
			}
		}()
	}
	if old := current.Swap(p); old != nil {
		old.mu.Lock()
		for _, ch := range old.jobs {
			close(ch)
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
	forks.Add(1)
	defer func() {
		p.busy.Store(false)
		p.mu.Unlock()
	}()
	p.done.Add(k - 1)
	for i := 1; i < k; i++ {
		p.jobs[i-1] <- job{t, i * n / k, (i + 1) * n / k}
	}
	t.Run(0, n/k)
	p.done.Wait()
}
