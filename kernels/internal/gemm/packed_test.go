package gemm

import (
	"math"
	"math/rand/v2"
	"sync"
	"testing"
)

// SgemmPacked reads the same panels the on-the-fly packing would produce,
// so it must match Sgemm bitwise.
func TestSgemmPackedMatchesSgemm(t *testing.T) {
	r := rand.New(rand.NewPCG(31, 32))
	for _, ks := range availableKernels() {
		var pa PackedA // reused across shapes: Repack must resize correctly
		for _, sh := range [][3]int{{1, 1, 1}, {13, 40, 7}, {96, 300, 363}, {64, 50, 600}, {250, 31, 257}} {
			for _, tr := range []bool{false, true} {
				m, n, k := sh[0], sh[1], sh[2]
				tc := newCase(r, tr, !tr, m, n, k, 1.5, 0.25)
				ep := Epilogue{RowBias: randSlice(r, m), ReLU: true}
				want := append([]float32(nil), tc.c...)
				sgemmWith(ks, 2, tc.transA, tc.transB, m, n, k, tc.alpha, tc.a, tc.lda, tc.b, tc.ldb, tc.beta, want, tc.ldc, ep)
				pa.repack(ks, tc.transA, m, k, tc.a, tc.lda)
				if gm, gk := pa.Dims(); gm != m || gk != k {
					t.Fatalf("Dims = %d,%d", gm, gk)
				}
				for _, th := range []int{1, 2} {
					got := append([]float32(nil), tc.c...)
					g := gemmArgs{ks: pa.ks, transB: tc.transB, m: m, n: n, k: k, alpha: tc.alpha,
						pa: &pa, b: tc.b, ldb: tc.ldb, beta: tc.beta, c: got, ldc: tc.ldc, ep: ep}
					g.check()
					execute(&g, th)
					for i := range got {
						if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
							t.Fatalf("%s %v threads=%d: C[%d] = %g, want %g", ks.name, tc, th, i, got[i], want[i])
						}
					}
				}
			}
		}
	}
}

func TestPackAPublic(t *testing.T) {
	r := rand.New(rand.NewPCG(33, 34))
	tc := newCase(r, false, false, 70, 90, 130, 1, 0)
	want := tc.reference()
	pa := PackA(false, tc.m, tc.k, tc.a, tc.lda)
	got := append([]float32(nil), tc.c...)
	SgemmPacked(pa, false, tc.n, tc.alpha, tc.b, tc.ldb, tc.beta, got, tc.ldc, Epilogue{})
	tc.compare(t, "PackA", got, want)
}

// Calls from many goroutines at once: one owns the pool, the others fall
// back to single-threaded contexts; all must be correct.
func TestSgemmConcurrent(t *testing.T) {
	r := rand.New(rand.NewPCG(35, 36))
	tc := newCase(r, false, true, 150, 170, 190, 1, 0)
	want := tc.reference()
	pa := PackA(tc.transA, tc.m, tc.k, tc.a, tc.lda)
	var wg sync.WaitGroup
	errs := make(chan string, 16)
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 10 {
				got := append([]float32(nil), tc.c...)
				if g%2 == 0 {
					Sgemm(tc.transA, tc.transB, tc.m, tc.n, tc.k, tc.alpha, tc.a, tc.lda, tc.b, tc.ldb, tc.beta, got, tc.ldc)
				} else {
					SgemmPacked(pa, tc.transB, tc.n, tc.alpha, tc.b, tc.ldb, tc.beta, got, tc.ldc, Epilogue{})
				}
				for i := range got {
					if math.Abs(float64(got[i]-want[i])) > 1e-3 {
						errs <- "mismatch"
						return
					}
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Fatal(e)
	}
}

// After warm-up a call allocates nothing: buffers are reused, workers are
// persistent and the partition lives in a fixed array.
func TestSgemmNoAllocs(t *testing.T) {
	r := rand.New(rand.NewPCG(37, 38))
	old := Threads()
	defer SetThreads(old)
	SetThreads(2)
	tc := newCase(r, false, false, 200, 210, 220, 1, 0.5)
	small := newCase(r, true, true, 16, 20, 30, 1, 0)
	ep := Epilogue{RowBias: randSlice(r, tc.m), ReLU: true}
	pa := PackA(false, tc.m, tc.k, tc.a, tc.lda)
	c := append([]float32(nil), tc.c...)
	for name, f := range map[string]func(){
		"Sgemm": func() {
			Sgemm(false, false, tc.m, tc.n, tc.k, 1, tc.a, tc.lda, tc.b, tc.ldb, 0.5, c, tc.ldc)
		},
		"small": func() {
			Sgemm(true, true, small.m, small.n, small.k, 1, small.a, small.lda, small.b, small.ldb, 0, c, small.ldc)
		},
		"SgemmEpilogue": func() {
			SgemmEpilogue(false, false, tc.m, tc.n, tc.k, 1, tc.a, tc.lda, tc.b, tc.ldb, 0.5, c, tc.ldc, ep)
		},
		"SgemmPacked": func() {
			SgemmPacked(pa, false, tc.n, 1, tc.b, tc.ldb, 0, c, tc.ldc, ep)
		},
		"Repack": func() { pa.Repack(false, tc.m, tc.k, tc.a, tc.lda) },
	} {
		f() // warm up: grow buffers, start workers
		if n := testing.AllocsPerRun(20, f); n != 0 {
			t.Errorf("%s: %v allocations per call", name, n)
		}
	}
}
