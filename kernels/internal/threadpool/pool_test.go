package threadpool

import (
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
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

// handoffTask's chunks on the caller wait until the other chunks have
// started on other goroutines, so that workers (not the caller, which would
// take chunks nobody started) run them; those sleep for hold first.
type handoffTask struct {
	c      countTask
	caller uint64
	others atomic.Int32
	want   int32
	hold   time.Duration
	gaveUp atomic.Bool
}

func newHandoff(n, want int, hold time.Duration) *handoffTask {
	return &handoffTask{c: countTask{hits: make([]int32, n)}, caller: goID(), want: int32(want), hold: hold}
}

func (h *handoffTask) Run(lo, hi int) {
	if goID() == h.caller {
		deadline := time.Now().Add(5 * time.Second)
		for h.others.Load() < h.want {
			if time.Now().After(deadline) {
				h.gaveUp.Store(true)
				break
			}
			time.Sleep(10 * time.Microsecond)
		}
	} else {
		h.others.Add(1)
		time.Sleep(h.hold)
	}
	h.c.Run(lo, hi)
}

func (h *handoffTask) check(t *testing.T) {
	t.Helper()
	if h.gaveUp.Load() {
		t.Fatalf("only %d of %d chunks started on a worker", h.others.Load(), h.want)
	}
	for i, n := range h.c.hits {
		if n != 1 {
			t.Fatalf("index %d ran %d times", i, n)
		}
	}
}

// TestParkedWorkersWake covers the slow path: workers that have stopped
// polling and parked must still be woken for the next call.
func TestParkedWorkersWake(t *testing.T) {
	restore(t)
	Set(3)
	for range 5 {
		time.Sleep(2 * spinFor)
		h := newHandoff(30, 2, 0)
		Parallel(30, 1, h)
		h.check(t)
	}
}

// TestCallerParksAndWakes: a caller that has waited past spinFor for a
// worker's chunk parks, and that worker must wake it.
func TestCallerParksAndWakes(t *testing.T) {
	restore(t)
	Set(2)
	for range 5 {
		h := newHandoff(8, 1, 4*spinFor)
		Parallel(8, 1, h)
		h.check(t)
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

// spanTask records each chunk it ran and the goroutine that ran it.
type spanTask struct {
	mu     sync.Mutex
	spans  [][2]int
	onGoID []uint64
}

func (s *spanTask) Run(lo, hi int) {
	s.mu.Lock()
	s.spans = append(s.spans, [2]int{lo, hi})
	s.onGoID = append(s.onGoID, goID())
	s.mu.Unlock()
}

// goID is the calling goroutine's id, read from its stack header.
func goID() uint64 {
	var buf [64]byte
	f := strings.Fields(string(buf[:runtime.Stack(buf[:], false)]))
	id, err := strconv.ParseUint(f[1], 10, 64)
	if err != nil {
		panic(err)
	}
	return id
}

// TestChunksAreTheFixedSplit: whoever claims them, the chunks are exactly
// [i*n/k, (i+1)*n/k), each run once, so results cannot depend on timing.
func TestChunksAreTheFixedSplit(t *testing.T) {
	restore(t)
	for _, threads := range []int{2, 3, 5} {
		Set(threads)
		for _, n := range []int{2, 3, 10, 101} {
			for range 20 {
				s := &spanTask{}
				Parallel(n, 1, s)
				k := min(threads, n)
				if len(s.spans) != k {
					t.Fatalf("threads %d, n %d: %d chunks, want %d", threads, n, len(s.spans), k)
				}
				slices.SortFunc(s.spans, func(a, b [2]int) int { return a[0] - b[0] })
				for i, sp := range s.spans {
					if want := [2]int{i * n / k, (i + 1) * n / k}; sp != want {
						t.Fatalf("threads %d, n %d: chunk %d is %v, want %v", threads, n, i, sp, want)
					}
				}
			}
		}
	}
}

// TestCallerTakesUnstartedChunks: with one OS thread for goroutines the
// caller never blocks in a call of tiny chunks, so no parked worker can
// start before the caller has claimed every chunk itself: a join that
// waited for the workers instead would run chunk 1 elsewhere.
func TestCallerTakesUnstartedChunks(t *testing.T) {
	restore(t)
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	Set(2)
	time.Sleep(10 * time.Millisecond) // the new worker parks
	me := goID()
	onCaller := 0
	for range 20 {
		s := &spanTask{}
		Parallel(2, 1, s)
		if len(s.spans) != 2 {
			t.Fatalf("%d chunks, want 2", len(s.spans))
		}
		if s.onGoID[0] == me && s.onGoID[1] == me {
			onCaller++
		}
		time.Sleep(time.Millisecond) // the worker (woken, finding nothing) parks again
	}
	// Async preemption could, rarely, let the worker in; it never gets every call.
	if onCaller < 10 {
		t.Errorf("the caller ran both chunks in %d of 20 calls, want nearly all", onCaller)
	}
}

// TestBackToBackCalls hands out many calls of different sizes in a row, so
// that workers still finishing or looking for one call meet the next.
func TestBackToBackCalls(t *testing.T) {
	restore(t)
	for _, threads := range []int{2, 4} {
		Set(threads)
		for i := range 3000 {
			n := 1 + i%13
			c := &countTask{hits: make([]int32, n)}
			Parallel(n, 1, c)
			for j, h := range c.hits {
				if h != 1 {
					t.Fatalf("threads %d, call %d, n %d: index %d ran %d times", threads, i, n, j, h)
				}
			}
		}
	}
}
