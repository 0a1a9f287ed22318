package kernels

import "github.com/netc/netc/kernels/internal/gemm"

// Sgemm computes C = alpha*op(A)*op(B) + beta*C on row-major matrices, where
// op(A) is m×k, op(B) is k×n and C is m×n; lda, ldb, ldc are row strides.
// Linear layers and the per-sample convolution path multiply through this
// variable (tests swap in a reference); the batched convolutions and Winograd
// call package gemm directly, for its fused epilogue.
// Implementations must treat beta == 0 as "overwrite C" (C may hold garbage).
// The default is kernels/internal/gemm: packed, cache-blocked, with AVX-512 and AVX2
// micro-kernels chosen at run time (pure Go elsewhere, or with -tags purego);
// it allocates nothing per call.
var Sgemm func(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) = gemm.Sgemm
