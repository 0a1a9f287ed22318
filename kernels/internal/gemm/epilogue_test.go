package gemm

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// applyEpilogue is the unfused reference: plain GEMM output, then bias,
// residual and ReLU as separate passes.
func applyEpilogue(m, n int, c []float32, ldc int, ep Epilogue) {
	for i := range m {
		for j := range n {
			v := c[i*ldc+j]
			if ep.RowBias != nil {
				v += ep.RowBias[i]
			}
			if ep.ColBias != nil {
				v += ep.ColBias[j]
			}
			if ep.Residual != nil {
				v += ep.Residual[i*ep.LdResidual+j]
			}
			if ep.ReLU && v < 0 {
				v = 0
			}
			c[i*ldc+j] = v
		}
	}
}

func TestSgemmEpilogue(t *testing.T) {
	r := rand.New(rand.NewPCG(21, 22))
	shapes := [][3]int{{1, 1, 1}, {7, 19, 5}, {64, 96, 27}, {97, 131, 300}, {30, 17, 600}, {200, 260, 70}}
	for _, ks := range availableKernels() {
		for si, sh := range shapes {
			for mask := range 16 {
				m, n, k := sh[0], sh[1], sh[2]
				tc := newCase(r, si%2 == 1, mask%3 == 0, m, n, k, 0.75, []float32{0, 1.25}[mask%2])
				var ep Epilogue
				if mask&1 != 0 {
					ep.RowBias = randSlice(r, m)
				}
				if mask&2 != 0 {
					ep.ColBias = randSlice(r, n)
				}
				if mask&4 != 0 {
					ep.LdResidual = n + r.IntN(5)
					ep.Residual = randSlice(r, m*ep.LdResidual)
				}
				ep.ReLU = mask&8 != 0
				want := append([]float32(nil), tc.c...)
				sgemmWith(ks, 2, tc.transA, tc.transB, m, n, k, tc.alpha, tc.a, tc.lda, tc.b, tc.ldb, tc.beta, want, tc.ldc, Epilogue{})
				applyEpilogue(m, n, want, tc.ldc, ep)
				got := append([]float32(nil), tc.c...)
				sgemmWith(ks, 2, tc.transA, tc.transB, m, n, k, tc.alpha, tc.a, tc.lda, tc.b, tc.ldb, tc.beta, got, tc.ldc, ep)
				name := fmt.Sprintf("%s mask=%04b", ks.name, mask)
				for i := range m {
					for j := range tc.ldc {
						g, w := got[i*tc.ldc+j], want[i*tc.ldc+j]
						if j >= n {
							w = tc.c[i*tc.ldc+j]
						}
						// Same operations in the same order: only FMA
						// contraction may differ, so the tolerance is tight.
						if d := math.Abs(float64(g - w)); d > 1e-6*(1+math.Abs(float64(w))) {
							t.Fatalf("%s %v: C[%d][%d] = %g, want %g", name, tc, i, j, g, w)
						}
					}
				}
			}
		}
	}
}

// k == 0 and alpha == 0 still apply beta and the epilogue.
func TestSgemmEpilogueDegenerate(t *testing.T) {
	r := rand.New(rand.NewPCG(23, 24))
	m, n := 9, 21
	ep := Epilogue{RowBias: randSlice(r, m), ColBias: randSlice(r, n), Residual: randSlice(r, m*n), LdResidual: n, ReLU: true}
	for _, ks := range availableKernels() {
		for _, k := range []int{0, 5} {
			tc := newCase(r, false, false, m, n, k, 0, 0.5)
			want := append([]float32(nil), tc.c...)
			for i := range m {
				for j := range n {
					want[i*tc.ldc+j] *= 0.5
				}
			}
			applyEpilogue(m, n, want, tc.ldc, ep)
			got := append([]float32(nil), tc.c...)
			sgemmWith(ks, 1, false, false, m, n, k, 0, tc.a, tc.lda, tc.b, tc.ldb, 0.5, got, tc.ldc, ep)
			for i := range got {
				if got[i] != want[i] {
					t.Fatalf("%s k=%d: C[%d] = %g, want %g", ks.name, k, i, got[i], want[i])
				}
			}
		}
	}
}

func TestReLUKeepsNaN(t *testing.T) {
	for _, ks := range availableKernels() {
		// 1 x NR and 1 x (NR+1): the asm store phase and the scratch path.
		for _, n := range []int{ks.nr, ks.nr + 1} {
			a := []float32{1}
			b := make([]float32, n)
			for j := range b {
				b[j] = float32(j) - 3
			}
			b[1] = float32(math.NaN())
			c := make([]float32, n)
			sgemmWith(ks, 1, false, false, 1, n, 1, 1, a, 1, b, n, 0, c, n, Epilogue{ReLU: true})
			if !math.IsNaN(float64(c[1])) || c[0] != 0 || c[n-1] != float32(n-4) {
				t.Errorf("%s n=%d: relu row = %v", ks.name, n, c)
			}
		}
	}
}
