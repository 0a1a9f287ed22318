package data

import (
	"context"
	"errors"
	"runtime"
	"slices"
	"testing"
	"time"
)

func newLoader(t *testing.T, s *Split, cfg LoaderConfig) *Loader {
	t.Helper()
	l, err := NewLoader(s, cfg)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// collect runs a whole epoch and returns copies of its batches.
func collect(t *testing.T, l *Loader, epoch, start int) []Batch {
	t.Helper()
	e, err := l.EpochFrom(context.Background(), epoch, start)
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	var out []Batch
	for b, ok := e.Next(); ok; b, ok = e.Next() {
		out = append(out, Batch{X: slices.Clone(b.X), Y: slices.Clone(b.Y), N: b.N, Index: b.Index, Epoch: b.Epoch})
	}
	if err := e.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestShuffleIsDeterministicPermutation: every epoch's order is a
// permutation, the same for the same (seed, epoch), different across epochs
// and seeds; the test split (Shuffle false) keeps dataset order.
func TestShuffleIsDeterministicPermutation(t *testing.T) {
	s := embeddedSet(t).Train
	a := newLoader(t, s, LoaderConfig{BatchSize: 64, Shuffle: true, Seed: 42})
	b := newLoader(t, s, LoaderConfig{BatchSize: 64, Shuffle: true, Seed: 42})
	c := newLoader(t, s, LoaderConfig{BatchSize: 64, Shuffle: true, Seed: 43})
	for epoch := range 3 {
		order := a.Order(epoch)
		sorted := slices.Sorted(slices.Values(order))
		for i, v := range sorted {
			if v != i {
				t.Fatalf("epoch %d: order is not a permutation of 0..%d", epoch, s.N-1)
			}
		}
		if !slices.Equal(order, b.Order(epoch)) {
			t.Errorf("epoch %d: same seed, different order", epoch)
		}
		if slices.Equal(order, c.Order(epoch)) || slices.Equal(order, a.Order(epoch+1)) {
			t.Errorf("epoch %d: order repeats across seeds or epochs", epoch)
		}
		if slices.IsSorted(order) {
			t.Errorf("epoch %d: not shuffled", epoch)
		}
	}
	test := newLoader(t, embeddedSet(t).Test, LoaderConfig{BatchSize: 64})
	if order := test.Order(5); !slices.IsSorted(order) || len(order) != 2000 {
		t.Error("unshuffled loader does not keep dataset order")
	}
}

// TestBatchesMatchOrderAndResize: the batches hold, in Order(epoch), the
// images resized by Resizer and their labels; the last batch is partial;
// cached and uncached loaders agree; Limit takes a prefix before shuffling.
func TestBatchesMatchOrderAndResize(t *testing.T) {
	s := embeddedSet(t).Test
	const size, limit, batch = 32, 250, 64
	r, _ := NewResizer(28, 28, size, size)
	want := make([]float32, size*size)
	var results [][]Batch
	for _, cache := range []int64{0, -1} {
		l := newLoader(t, s, LoaderConfig{Height: size, Width: size, BatchSize: batch, Shuffle: true, Seed: 7, Limit: limit, CacheBytes: cache})
		if l.Cached() != (cache == 0) {
			t.Fatalf("CacheBytes %d: Cached() = %v", cache, l.Cached())
		}
		order := l.Order(3)
		if slices.Max(order) != limit-1 || len(order) != limit {
			t.Fatalf("Limit %d: order covers %d images up to %d", limit, len(order), slices.Max(order))
		}
		// Twice, so the second pass reads the cache filled by the first.
		for range 2 {
			batches := collect(t, l, 3, 0)
			if len(batches) != 4 || batches[3].N != limit-3*batch || len(batches[3].Y) != batches[3].N {
				t.Fatalf("got %d batches, last of %d; want 4, last of %d", len(batches), batches[len(batches)-1].N, limit-3*batch)
			}
			for bi, b := range batches {
				for k := range b.N {
					img := order[bi*batch+k]
					r.ResizeBytes(want, s.Image(img))
					if !slices.Equal(b.X[k*size*size:(k+1)*size*size], want) || b.Y[k] != int32(s.Labels[img]) {
						t.Fatalf("batch %d item %d is not image %d", bi, k, img)
					}
				}
			}
			results = append(results, batches)
		}
	}
	if !slices.EqualFunc(results[0], results[3], func(a, b Batch) bool { return slices.Equal(a.X, b.X) && slices.Equal(a.Y, b.Y) }) {
		t.Error("cached and uncached loaders disagree")
	}
}

// TestEpochFromResumes: starting at batch k gives the same batches as the
// full epoch from k on, without running epochs or batches before it.
func TestEpochFromResumes(t *testing.T) {
	l := newLoader(t, embeddedSet(t).Test, LoaderConfig{BatchSize: 300, Shuffle: true, Seed: 1})
	full := collect(t, l, 9, 0)
	tail := collect(t, l, 9, 4)
	if len(tail) != len(full)-4 || tail[0].Index != 4 {
		t.Fatalf("resumed epoch has %d batches starting at %d", len(tail), tail[0].Index)
	}
	for i := range tail {
		if !slices.Equal(tail[i].X, full[i+4].X) || !slices.Equal(tail[i].Y, full[i+4].Y) {
			t.Fatalf("resumed batch %d differs", i+4)
		}
	}
	if _, err := l.EpochFrom(context.Background(), 0, l.NumBatches()+1); err == nil {
		t.Error("EpochFrom accepted a start past the end")
	}
}

// TestNoAllocationPerBatch: after warm-up, serving a batch allocates nothing
// on either side (the ring of buffers is reused).
func TestNoAllocationPerBatch(t *testing.T) {
	l := newLoader(t, embeddedSet(t).Train, LoaderConfig{BatchSize: 32, Height: 28, Width: 28, Shuffle: true, Seed: 3, Limit: 3200})
	collect(t, l, 0, 0) // fills the cache
	e, _ := l.Epoch(context.Background(), 1)
	defer e.Close()
	for range 5 {
		e.Next()
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	n := 0
	for _, ok := e.Next(); ok && n < 80; _, ok = e.Next() {
		n++
	}
	runtime.ReadMemStats(&after)
	allocs := after.Mallocs - before.Mallocs
	t.Logf("%d allocations over %d batches", allocs, n)
	if allocs > 10 {
		t.Errorf("%d allocations over %d batches", allocs, n)
	}
}

// waitGoroutines polls until the goroutine count is back to at most want.
func waitGoroutines(t *testing.T, want int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > want {
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<16)
			t.Fatalf("goroutine leak: %d running, want ≤ %d\n%s", runtime.NumGoroutine(), want, buf[:runtime.Stack(buf, true)])
		}
		time.Sleep(time.Millisecond)
	}
}

// TestCancellationStopsProducer: cancelling the context or closing the
// epoch early (with the producer blocked on a full ring) ends the
// goroutine, returns every buffer, and lets the next epoch start.
func TestCancellationStopsProducer(t *testing.T) {
	s := embeddedSet(t).Train
	base := runtime.NumGoroutine()
	l := newLoader(t, s, LoaderConfig{BatchSize: 16, Height: 64, Width: 64, Shuffle: true, CacheBytes: -1})
	ring := cap(l.free)

	t.Run("context", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		e, err := l.Epoch(ctx, 0)
		if err != nil {
			t.Fatal(err)
		}
		e.Next()
		e.Next()
		cancel()
		if _, ok := e.Next(); ok {
			t.Error("Next returned a batch after cancel")
		}
		if !errors.Is(e.Err(), context.Canceled) {
			t.Errorf("Err() = %v, want context.Canceled", e.Err())
		}
		e.Close()
	})
	t.Run("close before reading", func(t *testing.T) {
		e, err := l.Epoch(context.Background(), 1)
		if err != nil {
			t.Fatal(err)
		}
		time.Sleep(20 * time.Millisecond) // let the producer fill the ring and block
		e.Close()
		e.Close() // idempotent
		if _, ok := e.Next(); ok {
			t.Error("Next after Close returned a batch")
		}
	})
	t.Run("close mid-epoch", func(t *testing.T) {
		e, _ := l.Epoch(context.Background(), 2)
		if _, err := l.Epoch(context.Background(), 3); !errors.Is(err, ErrEpochOpen) {
			t.Errorf("second open epoch: err %v, want ErrEpochOpen", err)
		}
		for range 10 {
			e.Next()
		}
		e.Close()
		if e.Err() != nil {
			t.Errorf("Err() after Close = %v, want nil", e.Err())
		}
	})
	waitGoroutines(t, base)
	if len(l.free) != ring {
		t.Errorf("%d of %d buffers back in the ring", len(l.free), ring)
	}
	if got := collect(t, l, 4, 620); len(got) != l.NumBatches()-620 {
		t.Errorf("epoch after cancellations served %d batches", len(got))
	}
}

func TestNewLoaderErrors(t *testing.T) {
	s := embeddedSet(t).Test
	for _, cfg := range []LoaderConfig{
		{BatchSize: 0},
		{BatchSize: 8, Limit: -1},
		{BatchSize: 8, Height: -3, Width: 10},
		{BatchSize: 8, Prefetch: -1},
	} {
		if _, err := NewLoader(s, cfg); err == nil {
			t.Errorf("NewLoader(%+v): no error", cfg)
		}
	}
}

func BenchmarkLoaderEpoch96(b *testing.B) {
	s := embeddedSet(b).Train
	l, _ := NewLoader(s, LoaderConfig{BatchSize: 128, Height: 96, Width: 96, Shuffle: true, CacheBytes: -1})
	for i := 0; b.Loop(); i++ {
		e, _ := l.Epoch(context.Background(), i)
		for _, ok := e.Next(); ok; _, ok = e.Next() {
		}
		e.Close()
	}
}

// TestMinBatchDropsOnlyASmallerLastBatch: with MinBatch 2, 65 images at batch 64 make one
// batch (the last image of the epoch's order is left out); 66 make two, and without
// MinBatch the last batch of one is served.
func TestMinBatchDropsOnlyASmallerLastBatch(t *testing.T) {
	test := embeddedSet(t).Test
	for _, tc := range []struct{ limit, minBatch, batches, dropped, lastN int }{
		{65, 2, 1, 1, 64}, {66, 2, 2, 0, 2}, {65, 0, 2, 0, 1}, {64, 2, 1, 0, 64},
	} {
		l := newLoader(t, test, LoaderConfig{BatchSize: 64, MinBatch: tc.minBatch, Limit: tc.limit, Shuffle: true, Seed: 3})
		got := collect(t, l, 0, 0)
		if l.NumBatches() != tc.batches || len(got) != tc.batches || l.Dropped() != tc.dropped || got[len(got)-1].N != tc.lastN {
			t.Errorf("%+v: %d batches served (NumBatches %d), %d dropped, last of %d", tc, len(got), l.NumBatches(), l.Dropped(), got[len(got)-1].N)
		}
	}
}
