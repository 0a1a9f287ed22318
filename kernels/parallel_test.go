package kernels

import (
	"runtime"
	"sync/atomic"
	"testing"

	"github.com/netc/netc/kernels/internal/gemm"
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

func TestParallelCoversEveryIndexOnce(t *testing.T) {
	for _, threads := range []int{1, 2, 3, 8} {
		SetThreads(threads)
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
	SetThreads(2)
	c := &countTask{hits: make([]int32, 64)}
	if a := testing.AllocsPerRun(100, func() { Parallel(64, 1, c) }); a != 0 {
		t.Errorf("Parallel allocates %.1f times per call", a)
	}
}

// nested runs Parallel from inside a Parallel chunk: the inner call must run serially
// rather than deadlock.
type nested struct{ inner *countTask }

func (n *nested) Run(lo, hi int) { Parallel(len(n.inner.hits), 1, n.inner) }

func TestParallelNested(t *testing.T) {
	SetThreads(2)
	n := &nested{inner: &countTask{hits: make([]int32, 10)}}
	Parallel(2, 1, n)
	for _, h := range n.inner.hits {
		if h != 2 {
			t.Fatalf("inner hits %v, want 2 each", n.inner.hits)
		}
	}
}

// TestOneKnob: kernels and the GEMM share one pool and one thread count, with n <= 0
// meaning every core for both.
func TestOneKnob(t *testing.T) {
	defer SetThreads(Threads())
	SetThreads(1)
	if gemm.Threads() != 1 {
		t.Errorf("kernels.SetThreads(1): gemm.Threads() = %d", gemm.Threads())
	}
	gemm.SetThreads(3)
	if Threads() != 3 {
		t.Errorf("gemm.SetThreads(3): kernels.Threads() = %d", Threads())
	}
	SetThreads(0)
	if want := runtime.GOMAXPROCS(0); Threads() != want || gemm.Threads() != want {
		t.Errorf("SetThreads(0): kernels %d, gemm %d threads, want GOMAXPROCS = %d", Threads(), gemm.Threads(), want)
	}
}
