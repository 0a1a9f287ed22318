package threadpool

import (
	"runtime"
	"sync/atomic"
	"testing"
	"time"
)

type countTask struct {
	hits   []int32
	chunks atomic.Int32
}

func (c *countTask) Run(lo, hi int) {
	c.chunks.Add(1)
	for i := lo; i < hi; i++ {
		atomic.AddInt32(&c.hits[i], 1)
	}
}

func restore(t *testing.T) {
	old := Threads()
	t.Cleanup(func() { Set(old) })
}

func TestParallelCoversEveryIndexOnce(t *testing.T) {
	restore(t)
	for _, threads := range []int{1, 2, 3, 8} {
		Set(threads)
		for _, n := range []int{0, 1, 2, 7, 100, 1001} {
			c := &countTask{hits: make([]int32, n)}
			Parallel(n, 1, c)
			for i, h := range c.hits {
				if h != 1 {
					t.Fatalf("threads %d, n %d: index %d ran %d times", threads, n, i, h)
				}
			}
			if want := min(threads, n); n > 0 && int(c.chunks.Load()) != want {
				t.Errorf("threads %d, n %d: %d chunks, want %d", threads, n, c.chunks.Load(), want)
			}
		}
	}
}

func TestParallelDoesNotAllocate(t *testing.T) {
	restore(t)
	Set(2)
	c := &countTask{hits: make([]int32, 64)}
	if a := testing.AllocsPerRun(100, func() { Parallel(64, 1, c) }); a != 0 {
		t.Errorf("Parallel allocates %.1f times per call", a)
	}
}

// TestZeroMeansEveryCore pins the knob's meaning of n <= 0, which the GEMM and
// the other kernels used to read differently (GOMAXPROCS against 1 thread).
func TestZeroMeansEveryCore(t *testing.T) {
	restore(t)
	for _, n := range []int{0, -3} {
		Set(n)
		if got, want := Threads(), runtime.GOMAXPROCS(0); got != want {
			t.Errorf("Set(%d): Threads() = %d, want GOMAXPROCS = %d", n, got, want)
		}
	}
	Set(5)
	if Threads() != 5 {
		t.Errorf("Set(5): Threads() = %d", Threads())
	}
}

// nested runs Parallel from inside a Parallel chunk: the inner call must run on its
// caller rather than deadlock or wait for the busy workers.
type nested struct{ inner *countTask }

func (n *nested) Run(lo, hi int) {
	for range hi - lo {
		Parallel(len(n.inner.hits), 1, n.inner)
	}
}

func TestParallelNested(t *testing.T) {
	restore(t)
	Set(2)
	n := &nested{inner: &countTask{hits: make([]int32, 10)}}
	Parallel(2, 1, n)
	for _, h := range n.inner.hits {
		if h != 2 {
			t.Fatalf("inner hits %v, want 2 each", n.inner.hits)
		}
	}
	if c := n.inner.chunks.Load(); c != 2 {
		t.Errorf("nested calls ran in %d chunks, want 2 (each on its caller)", c)
	}
}

// TestParkedWorkersWake covers the slow path: workers and caller that have
// stopped spinning and parked must still be woken for the next call.
func TestParkedWorkersWake(t *testing.T) {
	restore(t)
	Set(3)
	for round := range 5 {
		time.Sleep(time.Millisecond)
		c := &countTask{hits: make([]int32, 30)}
		Parallel(30, 1, c)
		for i, h := range c.hits {
			if h != 1 {
				t.Fatalf("round %d: index %d ran %d times", round, i, h)
			}
		}
	}
}

// slowTask keeps the caller waiting past the spin phase, so it parks on done.
type slowTask struct{ c countTask }

func (s *slowTask) Run(lo, hi int) {
	if lo > 0 {
		time.Sleep(time.Millisecond)
	}
	s.c.Run(lo, hi)
}

func TestCallerParksAndWakes(t *testing.T) {
	restore(t)
	Set(2)
	for range 5 {
		s := &slowTask{c: countTask{hits: make([]int32, 8)}}
		Parallel(8, 1, s)
		for i, h := range s.c.hits {
			if h != 1 {
				t.Fatalf("index %d ran %d times", i, h)
			}
		}
	}
}

// TestSetStopsOldWorkers: resizing the pool many times must not leave goroutines behind.
func TestSetStopsOldWorkers(t *testing.T) {
	restore(t)
	Set(4)
	before := runtime.NumGoroutine()
	for range 50 {
		Set(4)
	}
	deadline := time.Now().Add(2 * time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before {
		t.Errorf("%d goroutines after 50 resizes, %d before", n, before)
	}
}
