package kernels

import "sync"

// A forward pass without ConvPackedWeights (training's, and backward data's
// Winograd pass, a conv of dy) would pack the weights into the GEMM's A
// panels again for every chunk, on every thread. With two chunks or more
// it packs them once into onceA, on the calling thread, and the chunks
// share that copy read-only: the same kernels on the same operands, so the
// same bits as packing per chunk (TestConvForwardPackedBitForBit).
//
// onceA grows to the largest conv's panels (PackOnceLen) and keeps them;
// onceMu guards it. A pass that finds it taken (another conv running at the
// same time) packs per chunk as before.
var (
	onceMu sync.Mutex
	onceA  ConvPackedWeights
)

// packOnceMinChunks: one chunk packs the weights once anyway.
const packOnceMinChunks = 2

// lockOnceA reports whether a pass of chunks chunks should pack its weights
// once; when true the caller holds onceMu and must release it
// (unlockOnceA) when its chunks are done.
func lockOnceA(chunks int) bool {
	return chunks >= packOnceMinChunks && onceMu.TryLock()
}

func unlockOnceA() { onceMu.Unlock() }

// packGroups packs w, g's weights as one K/Groups x C/Groups*KH*KW matrix
// per group (the batched GEMM and pointwise forward).
func (p *ConvPackedWeights) packGroups(g ConvGeom, w []float32) {
	kg, ckk := g.K/g.Groups, g.C/g.Groups*g.KH*g.KW
	p.g, p.algo, p.u = g, ConvGEMM, p.u[:0]
	p.grow(g.Groups)
	for gi := range g.Groups {
		p.mats[gi].Repack(false, kg, ckk, w[gi*kg*ckk:], ckk)
	}
}

// packWino packs Winograd's 16 transformed kernels u ([ξν][m][k], matrix
// stride us).
func (p *ConvPackedWeights) packWino(m, k int, u []float32, us int) {
	p.algo, p.u = ConvWinograd, p.u[:0]
	p.grow(16)
	for xn := range 16 {
		p.mats[xn].Repack(false, m, k, u[xn*us:], k)
	}
}
