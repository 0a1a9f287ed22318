package gemm

import (
	"math"
	"math/rand/v2"
	"testing"
	"unsafe"
)

// alignedCopy returns a copy of s whose first element sits on a 64-byte line.
func alignedCopy(s []float32) []float32 {
	buf := make([]float32, len(s)+16)
	off := int(uintptr(unsafe.Pointer(&buf[0]))%64) / 4
	if off != 0 {
		off = 16 - off
	}
	out := buf[off : off+len(s)]
	copy(out, s)
	return out
}

// TestInPlaceBBitForBit: the kernels that read B in place (line-aligned rows)
// give, bit for bit, what Go computes with the same operations (fmaGoKernels),
// on products with several K blocks, ragged bottom and right edges (the right
// one goes through a packed panel), every epilogue, and 1 or 2 threads. The
// row counts leave every remainder 1..5 of AVX2's MR=6 (31 and 29 the 1 and 5),
// so each kernel variant runs.
func TestInPlaceBBitForBit(t *testing.T) {
	var sets []*kernelSet
	for _, ks := range availableKernels() {
		if ks.inPlaceB != nil {
			sets = append(sets, ks)
		}
	}
	if len(sets) == 0 {
		t.Log("this CPU or build has no in-place B kernels; nothing to compare")
		return
	}
	r := rand.New(rand.NewPCG(11, 12))
	for it, sh := range [][3]int{{24, 64, 300}, {40, 48, 17}, {70, 64, 513}, {16, 80, 256}, {33, 61, 40}, {200, 150, 64}, {31, 96, 259}, {29, 32, 102}} {
		m, n, k := sh[0], sh[1], sh[2]
		for _, ks := range sets {
			tc := newCase(r, it%2 == 1, false, m, n, k, []float32{1, -0.75}[it%2], []float32{0, 1, 0.5}[it%3])
			tc.ldb = roundUp(n, 16) + 16*(it%2) // rows of B on cache lines
			tc.b = alignedCopy(randSlice(r, k*tc.ldb))
			if !lineAligned(tc.b, tc.ldb) {
				t.Fatal("test B is not line aligned")
			}
			ep := Epilogue{ReLU: it%2 == 0, RowBias: randSlice(r, m)}
			if it%3 == 0 {
				ep.ColBias = randSlice(r, n)
				ep.Residual, ep.LdResidual = randSlice(r, m*n), n
			}
			want := append([]float32(nil), tc.c...)
			sgemmWith(fmaGoKernels, 1, tc.transA, false, m, n, k, tc.alpha, tc.a, tc.lda, tc.b, tc.ldb, tc.beta, want, tc.ldc, ep)
			for _, threads := range []int{1, 2} {
				got := append([]float32(nil), tc.c...)
				sgemmWith(ks, threads, tc.transA, false, m, n, k, tc.alpha, tc.a, tc.lda, tc.b, tc.ldb, tc.beta, got, tc.ldc, ep)
				for i := range m {
					for j := range n {
						g, w := got[i*tc.ldc+j], want[i*tc.ldc+j]
						if math.Float32bits(g) != math.Float32bits(w) {
							t.Fatalf("%s, %d threads, %v, %s: C[%d,%d] = %v, Go %v", ks.name, threads, tc, epName(ep), i, j, g, w)
						}
					}
				}
			}
		}
	}
}
