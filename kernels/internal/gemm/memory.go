package gemm

// The memory the GEMM keeps outside its callers' buffers, so that a plan's
// memory report can include it before anything is allocated.

// PackedLen is the float32 elements a PackedA of an m x k op(A) holds.
func PackedLen(m, k int) int {
	return roundUp(m, defaultKernels().forRows(m).mr) * k
}

// ThreadBufferLen bounds the float32 elements one thread's packing buffers
// (a workCtx: an A block and a B block) grow to, whatever the call: the
// largest of the kernel sets this CPU may pick.
func ThreadBufferLen() int {
	n := 0
	for ks := defaultKernels(); ks != nil; ks = ks.smallM {
		b := max(fusedPanels*ks.kc*ks.nr, ks.kc*roundUp(ks.nc, ks.nr))
		n = max(n, ks.kc*roundUp(ks.mc, ks.mr)+b)
	}
	return n
}

// Len is the float32 elements p holds.
func (p *PackedA) Len() int { return len(p.data) }
