package gemm

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// TestSerialMatchesSgemm: a Serial gives bitwise the shared GEMM's results (two threads,
// so the shared call is split), with and without an epilogue, and allocates nothing
// once its buffers have grown.
func TestSerialMatchesSgemm(t *testing.T) {
	old := Threads()
	defer SetThreads(old)
	SetThreads(2)
	r := rand.New(rand.NewPCG(7, 8))
	var s Serial
	for _, sh := range [][3]int{{1, 1, 1}, {7, 300, 33}, {64, 1024, 576}, {130, 97, 700}, {0, 5, 5}, {5, 5, 0}} {
		for _, tr := range [][2]bool{{false, false}, {true, false}, {false, true}} {
			tc := newCase(r, tr[0], tr[1], sh[0], sh[1], sh[2], 1, 0.5)
			bias := randSlice(r, max(1, sh[0]))
			ep := Epilogue{RowBias: bias, ReLU: true}
			want := slices.Clone(tc.c)
			SgemmEpilogue(tc.transA, tc.transB, tc.m, tc.n, tc.k, tc.alpha, tc.a, tc.lda, tc.b, tc.ldb, tc.beta, want, tc.ldc, ep)
			got := slices.Clone(tc.c)
			s.SgemmEpilogue(tc.transA, tc.transB, tc.m, tc.n, tc.k, tc.alpha, tc.a, tc.lda, tc.b, tc.ldb, tc.beta, got, tc.ldc, ep)
			if !slices.Equal(got, want) {
				t.Fatalf("%v: Serial differs from Sgemm", tc)
			}
		}
	}
	tc := newCase(r, false, false, 64, 512, 256, 1, 0)
	if a := testing.AllocsPerRun(20, func() {
		s.Sgemm(false, false, tc.m, tc.n, tc.k, 1, tc.a, tc.lda, tc.b, tc.ldb, 0, tc.c, tc.ldc)
	}); a != 0 {
		t.Errorf("Serial.Sgemm allocates %.1f times per call", a)
	}
}
