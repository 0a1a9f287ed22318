package kernels

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// Task is work over an index range [0, n) that can be split into independent chunks.
// Kernels implement it on a long-lived value (a pointer to a bound step's state), so
// handing it to the workers allocates nothing.
type Task interface {
	Run(lo, hi int)
}

// pool is a fixed set of worker goroutines. Parallel splits a range into one
// contiguous chunk per thread — always the same split for the same n and thread count,
// so results do not depend on scheduling.
type pool struct {
	mu      sync.Mutex // held while a Parallel call uses the workers
	threads int
	jobs    []chan job
	done    sync.WaitGroup
}

type job struct {
	t      Task
	lo, hi int
}

var workers atomic.Pointer[pool]

func init() { SetThreads(runtime.GOMAXPROCS(0)) }

// SetThreads sets how many threads kernels use (at least 1). Old workers stop once idle.
func SetThreads(n int) {
	if n < 1 {
		n = 1
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
	if old := workers.Swap(p); old != nil {
		old.mu.Lock()
		for _, ch := range old.jobs {
			close(ch)
		}
		old.mu.Unlock()
	}
}

// Threads is the number of threads kernels use.
func Threads() int { return workers.Load().threads }

// Parallel runs t over [0, n) on all threads and returns when every chunk is done. Ranges
// shorter than minChunk per thread run on the caller alone, as does a call made while
// another Parallel is running (nested parallelism would only oversubscribe the cores).
func Parallel(n, minChunk int, t Task) {
	p := workers.Load()
	k := min(p.threads, n/max(1, minChunk))
	if k <= 1 || !p.mu.TryLock() {
		if n > 0 {
			t.Run(0, n)
		}
		return
	}
	defer p.mu.Unlock()
	p.done.Add(k - 1)
	for i := 1; i < k; i++ {
		p.jobs[i-1] <- job{t, i * n / k, (i + 1) * n / k}
	}
	t.Run(0, n/k)
	p.done.Wait()
}
