package kernels

import (
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas32"

	"github.com/netc/netc/kernels/gemm"
)

// Sgemm computes C = alpha*op(A)*op(B) + beta*C on row-major matrices, where
// op(A) is m×k, op(B) is k×n and C is m×n; lda, ldb, ldc are row strides.
// It is the one seam through which every kernel multiplies matrices: assign
// a faster implementation (e.g. kernels/gemm) to swap it everywhere.
// Implementations must treat beta == 0 as "overwrite C" (C may hold garbage).
// The default is kernels/gemm: packed, cache-blocked, with AVX-512 and AVX2
// micro-kernels chosen at run time (pure Go elsewhere, or with -tags purego);
// it allocates nothing per call.
var Sgemm func(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) = gemm.Sgemm

// GonumSgemm is gonum's pure-Go blas32 (row-major), the reference the fast
// GEMM is tested against.
// Note: for products of 4 or more 64×64 blocks gonum runs goroutines, which
// allocate; the kernels themselves do not.
func GonumSgemm(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	ta, tb := blas.NoTrans, blas.NoTrans
	if transA {
		ta = blas.Trans
	}
	if transB {
		tb = blas.Trans
	}
	blas32.Implementation().Sgemm(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}
