package gemm

import (
	"fmt"

	"github.com/netc/netc/kernels/internal/threadpool"
)

// Sgemm computes C = alpha*op(A)*op(B) + beta*C, where op(X) is X or X^T,
// op(A) is m x k, op(B) is k x n and C is m x n, all row-major with leading
// dimensions lda, ldb, ldc. With beta == 0, C is only written (it may hold
// NaN). It panics on inconsistent sizes, like gonum's blas32.
func Sgemm(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	SgemmEpilogue(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, Epilogue{})
}

// SgemmEpilogue is Sgemm followed by ep, applied tile by tile while C is in
// cache: C = ep(alpha*op(A)*op(B) + beta*C).
func SgemmEpilogue(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int, ep Epilogue) {
	g := gemmArgs{ks: defaultKernels().forRows(m), transA: transA, transB: transB, m: m, n: n, k: k,
		alpha: alpha, a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc, ep: ep}
	g.check()
	execute(&g, threadpool.Available())
}

// check panics on sizes that would index outside the slices.
func (g *gemmArgs) check() {
	if g.m < 0 || g.n < 0 || g.k < 0 {
		panic(fmt.Sprintf("gemm: negative size m=%d n=%d k=%d", g.m, g.n, g.k))
	}
	if g.pa == nil {
		if g.transA {
			checkMatrix('A', g.k, g.m, g.a, g.lda)
		} else {
			checkMatrix('A', g.m, g.k, g.a, g.lda)
		}
	}
	if g.transB {
		checkMatrix('B', g.n, g.k, g.b, g.ldb)
	} else {
		checkMatrix('B', g.k, g.n, g.b, g.ldb)
	}
	checkMatrix('C', g.m, g.n, g.c, g.ldc)
	ep := &g.ep
	if ep.RowBias != nil && len(ep.RowBias) < g.m {
		panic(fmt.Sprintf("gemm: len(RowBias)=%d < m=%d", len(ep.RowBias), g.m))
	}
	if ep.ColBias != nil && len(ep.ColBias) < g.n {
		panic(fmt.Sprintf("gemm: len(ColBias)=%d < n=%d", len(ep.ColBias), g.n))
	}
	if ep.Residual != nil {
		checkMatrix('R', g.m, g.n, ep.Residual, ep.LdResidual)
	}
}

// checkMatrix panics unless s can hold a rows x cols row-major matrix with
// leading dimension ld.
func checkMatrix(name byte, rows, cols int, s []float32, ld int) {
	if ld < max(1, cols) {
		panic(fmt.Sprintf("gemm: bad leading dimension for %c: ld=%d < %d", name, ld, max(1, cols)))
	}
	if rows > 0 && cols > 0 && len(s) < (rows-1)*ld+cols {
		panic(fmt.Sprintf("gemm: %c too short: len=%d, need %d", name, len(s), (rows-1)*ld+cols))
	}
}
