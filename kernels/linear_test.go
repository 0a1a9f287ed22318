package kernels

import (
	"fmt"
	"testing"
)

func linearRef(n, in, out int, x, w, b []float64) []float64 {
	y := make([]float64, n*out)
	for i := 0; i < n; i++ {
		for j := 0; j < out; j++ {
			s := 0.0
			if b != nil {
				s = b[j]
			}
			for k := 0; k < in; k++ {
				s += x[i*in+k] * w[j*in+k]
			}
			y[i*out+j] = s
		}
	}
	return y
}

func TestLinear(t *testing.T) {
	for ci, c := range []struct{ n, in, out int }{{1, 1, 1}, {3, 7, 5}, {4, 16, 10}, {5, 33, 2}} {
		for _, withBias := range []bool{true, false} {
			name := fmt.Sprintf("linear %+v bias=%v", c, withBias)
			r := newRand(uint64(ci + 10))
			x, x64 := randVec(r, c.n*c.in)
			w, w64 := randVec(r, c.out*c.in)
			var b []float32
			var b64 []float64
			if withBias {
				b, b64 = randVec(r, c.out)
			}
			dy, r64 := randVec(r, c.n*c.out)
			f := func() []float64 { return linearRef(c.n, c.in, c.out, x64, w64, b64) }

			y := garbage(c.n * c.out)
			LinearForward(c.n, c.in, c.out, x, w, b, y)
			expect(t, "linear forward", name, y, f(), 1e-5)

			checkAccumulate(t, "linear backward data", name+" dx", c.n*c.in, fdGrad(x64, r64, f), 1e-5, func(dx []float32, acc bool) {
				LinearBackwardData(c.n, c.in, c.out, w, dy, dx, acc)
			})
			dw := garbage(c.out * c.in)
			var db []float32
			if withBias {
				db = garbage(c.out)
			}
			LinearBackwardParams(c.n, c.in, c.out, x, dy, dw, db)
			expect(t, "linear backward params", name+" dw", dw, fdGrad(w64, r64, f), 1e-5)
			if withBias {
				expect(t, "linear backward params", name+" db", db, fdGrad(b64, r64, f), 1e-5)
			}
		}
	}
}

// TestGonumSgemm checks the default Sgemm on all transpose combinations
// with padded leading dimensions, alpha and beta, against a float64 loop.
func TestGonumSgemm(t *testing.T) {
	r := newRand(3)
	for _, sz := range [][3]int{{1, 1, 1}, {3, 5, 7}, {70, 130, 65}} {
		m, n, k := sz[0], sz[1], sz[2]
		for _, ta := range []bool{false, true} {
			for _, tb := range []bool{false, true} {
				ar, ac := m, k
				if ta {
					ar, ac = k, m
				}
				br, bc := k, n
				if tb {
					br, bc = n, k
				}
				lda, ldb, ldc := ac+2, bc+1, n+3
				a, a64 := randVec(r, ar*lda)
				b, b64 := randVec(r, br*ldb)
				c, c64 := randVec(r, m*ldc)
				const alpha, beta = 0.5, -1.5
				want := append([]float64(nil), c64...)
				for i := 0; i < m; i++ {
					for j := 0; j < n; j++ {
						s := 0.0
						for p := 0; p < k; p++ {
							var av, bv float64
							if ta {
								av = a64[p*lda+i]
							} else {
								av = a64[i*lda+p]
							}
							if tb {
								bv = b64[j*ldb+p]
							} else {
								bv = b64[p*ldb+j]
							}
							s += av * bv
						}
						want[i*ldc+j] = alpha*s + beta*c64[i*ldc+j]
					}
				}
				GonumSgemm(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
				expect(t, "sgemm", fmt.Sprintf("sgemm %v ta=%v tb=%v", sz, ta, tb), c, want, 1e-5)
			}
		}
	}
}
