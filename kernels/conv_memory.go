package kernels

import "github.com/netc/netc/kernels/internal/gemm"

// The memory a conv's kernels keep outside the workspace the plan gives
// them (Workspace), so that a plan's report and the runner's memory check
// can count it before anything is allocated.

// PackedLen is the float32 elements ConvPackedWeights holds for g and algo:
// the weights in the GEMM's panels (per group), and for Winograd the 16
// transformed kernels before and after packing. Zero for algorithms that
// have no packed weights.
func (g ConvGeom) PackedLen(algo ConvAlgo) int {
	if !PackedAlgo(algo) {
		return 0
	}
	if algo != ConvWinograd {
		return g.Groups * gemm.PackedLen(g.K/g.Groups, g.C/g.Groups*g.KH*g.KW)
	}
	s2 := g.winoSub() * g.winoSub()
	return 16*g.winoUMat() + 16*gemm.PackedLen(g.K, g.C*s2)
}

// PackOnceLen is the float32 elements a forward pass without packed weights
// (training's forward, and Winograd's backward data) grows the package's
// shared panels (onceA) to for g and algo. They keep the largest conv's.
// The batched GEMM's backward data may run as a conv of dy (dataAsConv),
// and the direct kernel falls back on the batched GEMM.
func (g ConvGeom) PackOnceLen(algo ConvAlgo) int {
	groups := func(g ConvGeom) int { return g.Groups * gemm.PackedLen(g.K/g.Groups, g.C/g.Groups*g.KH*g.KW) }
	switch algo {
	case ConvPointwise:
		return groups(g)
	case ConvGEMM, ConvDirect:
		if t, ok := g.dataAsConv(); ok {
			return max(groups(g), groups(t))
		}
		return groups(g)
	case ConvWinograd:
		s2 := g.winoSub() * g.winoSub()
		return 16 * max(gemm.PackedLen(g.K, g.C*s2), gemm.PackedLen(g.C, g.K*s2))
	}
	return 0
}

// ThreadScratch bounds what each thread beyond the first keeps in the
// package's per-thread slots for g and algo (float32 elements): a chunk's
// workspace (at most thread 0's, Workspace), and when training a partial
// weight gradient (dw, or Winograd's 16 transformed gradients). The slots
// grow to the largest layer's workspace and partial and keep them.
func (g ConvGeom) ThreadScratch(algo ConvAlgo, train bool) (workspace, partial int) {
	fwd, bwd := g.Workspace(algo)
	if !train {
		return fwd, 0
	}
	switch algo {
	case ConvGEMM, ConvPointwise:
		partial = g.WeightLen()
	case ConvWinograd:
		partial = 16 * g.winoUMat()
	}
	return max(fwd, bwd), partial
}

// GEMMThreadLen bounds the float32 elements of packing buffers each thread
// keeps: one set for the shared GEMM's workers and one in its slot's
// single-threaded GEMM.
func GEMMThreadLen() int { return 2 * gemm.ThreadBufferLen() }

// Len is the float32 elements p holds (PackedLen of what it last packed).
func (p *ConvPackedWeights) Len() int {
	n := len(p.u)
	for _, m := range p.mats {
		n += m.Len()
	}
	return n
}
