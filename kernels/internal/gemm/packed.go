package gemm

import "github.com/netc/netc/kernels/internal/threadpool"

// PackedA is op(A) packed once into micro-kernel order, for an A that is
// reused across calls: conv weights are the same for every sample of a
// batch, so packing them per call would redo O(m*k) work per sample.
// A PackedA is read-only once built and may be shared by goroutines.
type PackedA struct {
	m, k int
	ks   *kernelSet
	mPad int // m rounded up to MR
	// data holds, for each K block starting at pc (kc = min(KC, k-pc)),
	// ceil(m/MR) panels of MR x kc at offset pc*mPad + panel*MR*kc.
	data []float32
}

// PackA packs op(A) (m x k; A is k x m when transA) for SgemmPacked.
func PackA(transA bool, m, k int, a []float32, lda int) *PackedA {
	p := new(PackedA)
	p.Repack(transA, m, k, a, lda)
	return p
}

// Repack packs a new A into p, reusing p's memory when it is large enough
// (training repacks the weights once per step).
func (p *PackedA) Repack(transA bool, m, k int, a []float32, lda int) {
	p.repack(defaultKernels().forRows(m), transA, m, k, a, lda) // the kernels Sgemm would use
}

func (p *PackedA) repack(ks *kernelSet, transA bool, m, k int, a []float32, lda int) {
	rows, cols := m, k
	if transA {
		rows, cols = k, m
	}
	checkMatrix('A', rows, cols, a, lda)
	p.m, p.k, p.ks = m, k, ks
	p.mPad = roundUp(m, ks.mr)
	p.data = grow(p.data, p.mPad*k)
	for pc := 0; pc < k; pc += ks.kc {
		kc := min(ks.kc, k-pc)
		packA(p.data[pc*p.mPad:], ks.mr, transA, a, lda, 0, m, pc, kc)
	}
}

// Dims returns the m x k shape of the packed op(A).
func (p *PackedA) Dims() (m, k int) { return p.m, p.k }

// blockOffset is the offset of the panel holding row ic (a multiple of MR)
// in the K block starting at pc.
func (p *PackedA) blockOffset(pc, ic int) int {
	kc := min(p.ks.kc, p.k-pc)
	return pc*p.mPad + ic*kc
}

// SgemmPacked computes C = ep(alpha*op(A)*op(B) + beta*C) with op(A) taken
// from pa; n, b, ldb, c, ldc and transB as in Sgemm.
func SgemmPacked(pa *PackedA, transB bool, n int, alpha float32, b []float32, ldb int, beta float32, c []float32, ldc int, ep Epilogue) {
	g := gemmArgs{ks: pa.ks, transB: transB, m: pa.m, n: n, k: pa.k, alpha: alpha,
		pa: pa, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc, ep: ep}
	g.check()
	execute(&g, threadpool.Available())
}
