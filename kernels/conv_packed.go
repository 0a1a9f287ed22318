package kernels

import (
	"fmt"

	"github.com/netc/netc/kernels/internal/gemm"
)

// ConvPackedWeights is a conv's weights packed once into the GEMM's A
// panels, for forward passes that reuse the same weights (an inference
// plan's). Otherwise every chunk of every forward packs them again: a
// ResNet-18 stage-4 conv (512 x 4608 weights) packs 9.4 MB per chunk on
// each thread, and Winograd's 16 transformed kernels of a 256-channel
// layer (4 MB) are repacked for every 144 tiles. ConvForwardPacked gives
// the same bits as ConvForwardAlgo: the same kernels and blocking run on
// the same operands.
type ConvPackedWeights struct {
	g    ConvGeom
	algo ConvAlgo
	mats []*gemm.PackedA // the batched GEMM and pointwise: one per group; Winograd: 16, one per ξν
	u    []float32       // Winograd's transformed kernels, before packing
}

// PackedAlgo reports whether ConvForwardPacked computes algo.
func PackedAlgo(algo ConvAlgo) bool {
	return algo == ConvGEMM || algo == ConvPointwise || algo == ConvWinograd
}

// Pack (re)packs w, the weights of g for algo, reusing p's memory.
func (p *ConvPackedWeights) Pack(g ConvGeom, algo ConvAlgo, w []float32) {
	g.checkAlgo(algo)
	if !PackedAlgo(algo) {
		panic(fmt.Sprintf("kernels: conv: %v has no packed weights", algo))
	}
	need("conv w", w, g.WeightLen())
	p.g, p.algo = g, algo
	kg, ckk := g.K/g.Groups, g.C/g.Groups*g.KH*g.KW
	if algo != ConvWinograd {
		p.grow(g.Groups)
		for gi := range g.Groups {
			p.mats[gi].Repack(false, kg, ckk, w[gi*kg*ckk:], ckk)
		}
		return
	}
	us, cin := g.winoUMat(), g.C*g.winoSub()*g.winoSub()
	p.u = growFloats(p.u, 16*us)
	t := convTask{op: opWinoWeights, g: g, src: w, dst: p.u}
	t.run(g.K, 32*cin)
	p.grow(16)
	for xn := range 16 {
		p.mats[xn].Repack(false, g.K, cin, p.u[xn*us:], cin)
	}
}

// grow sets p.mats to n packed matrices, keeping those it has.
func (p *ConvPackedWeights) grow(n int) {
	for len(p.mats) < n {
		p.mats = append(p.mats, new(gemm.PackedA))
	}
	p.mats = p.mats[:n]
}

func growFloats(s []float32, n int) []float32 {
	if cap(s) < n {
		return make([]float32, n)
	}
	return s[:n]
}

// ConvForwardPacked is ConvForwardAlgo with the weights taken from pw,
// which must have been packed for g and algo.
func ConvForwardPacked(g ConvGeom, algo ConvAlgo, pw *ConvPackedWeights, x, bias, y, ws []float32, relu bool) {
	g.checkForward(algo, x, bias, y, ws)
	convForwardPacked(g, algo, pw, nil, x, bias, y, ws, relu)
}

// convForwardPacked runs the packed forward of algo, normalising the input
// as it is read when pre is not nil (a pointwise conv then gathers its
// normalised input; without pre it reads x in place).
func convForwardPacked(g ConvGeom, algo ConvAlgo, pw *ConvPackedWeights, pre *PreNorm, x, bias, y, ws []float32, relu bool) {
	if pw.g != g || pw.algo != algo {
		panic(fmt.Sprintf("kernels: conv: weights packed for %v %+v, used for %v %+v", pw.algo, pw.g, algo, g))
	}
	switch algo {
	case ConvGEMM:
		gemmForwardPacked(g, g.gemmSplit(false), pw, pre, x, bias, y, ws, relu)
	case ConvPointwise:
		split := g.inPlaceSplit()
		if pre != nil {
			split = g.preGather()
		}
		gemmForwardPacked(g, split, pw, pre, x, bias, y, ws, relu)
	case ConvWinograd:
		winoForwardPacked(g, pw, pre, x, bias, y, ws, relu)
	}
}

// gemmForwardPacked is gemmForward with the weights in pw, of pre(x) when
// pre is set.
func gemmForwardPacked(g ConvGeom, p gemmPlan, pw *ConvPackedWeights, pre *PreNorm, x, bias, y, ws []float32, relu bool) {
	t := chunkTask{g: g, p: p, x: x, pw: pw, pre: pre, bias: bias, y: y, ws: ws, relu: relu}
	if t.parallel(&t.p.split, p.workspace(g)) {
		return
	}
	for i := 0; i < p.split.chunks; i++ {
		gemmForwardChunk(&t, i, ws, nil)
	}
}
