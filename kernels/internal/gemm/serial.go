package gemm

// Serial is a single-threaded GEMM with packing buffers of its own, for a
// caller that already runs one task per thread (a conv splitting its batch
// over the threads): it never touches the shared workers, and its buffers
// grow to the largest call and are then reused, so it allocates nothing in
// steady state. Its results are bitwise those of Sgemm (see workCtx.run).
// A Serial is used by one goroutine at a time.
type Serial struct {
	args gemmArgs
	w    workCtx
}

// SgemmEpilogue is the package's SgemmEpilogue on the calling thread alone.
func (s *Serial) SgemmEpilogue(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int, ep Epilogue) {
	s.args = gemmArgs{ks: defaultKernels().forRows(m), transA: transA, transB: transB, m: m, n: n, k: k,
		alpha: alpha, a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc, ep: ep}
	g := &s.args
	g.check()
	switch {
	case m == 0 || n == 0:
	case k == 0 || alpha == 0:
		scaleC(m, n, beta, c, ldc, &g.ep)
	default:
		s.w.run(g, 0, m, 0, n)
	}
	s.args = gemmArgs{} // do not pin the caller's slices
}

// Sgemm is the package's Sgemm on the calling thread alone.
func (s *Serial) Sgemm(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	s.SgemmEpilogue(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, Epilogue{})
}

// SgemmPacked is the package's SgemmPacked on the calling thread alone.
func (s *Serial) SgemmPacked(pa *PackedA, transB bool, n int, alpha float32, b []float32, ldb int, beta float32, c []float32, ldc int, ep Epilogue) {
	s.args = gemmArgs{ks: pa.ks, transB: transB, m: pa.m, n: n, k: pa.k, alpha: alpha,
		pa: pa, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc, ep: ep}
	g := &s.args
	g.check()
	switch {
	case g.m == 0 || n == 0:
	case g.k == 0 || alpha == 0:
		scaleC(g.m, n, beta, c, ldc, &g.ep)
	default:
		s.w.run(g, 0, g.m, 0, n)
	}
	s.args = gemmArgs{} // do not pin the caller's slices
}
