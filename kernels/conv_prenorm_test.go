package kernels

import (
	"fmt"
	"math"
	"testing"
)

// preNormCase is a batchnorm's parameters over c channels, with channel 0's
// shift exactly -0 (mean 0, beta -0), so that a -0 input gives a -0 before
// the ReLU: the one value whose ReLU differs between the batchnorm's vector
// loop (VMAXPS keeps -0) and its Go loop (max gives +0).
func preNormCase(seed uint64, c int) (gamma, beta, mean, variance []float32) {
	r := newRand(seed)
	gamma, _ = randVec(r, c)
	beta, _ = randVec(r, c)
	mean, _ = randVec(r, c)
	variance, _ = randVec(r, c)
	for i := range variance {
		variance[i] = variance[i]*variance[i] + 0.1
	}
	gamma[0], mean[0], beta[0] = 0.75, 0, float32(math.Copysign(0, -1))
	return gamma, beta, mean, variance
}

// preNormInput is x with a sprinkling of -0, +0 and negative values.
func preNormInput(seed uint64, n int) []float32 {
	x, _ := randVec(newRand(seed), n)
	for i := range x {
		switch i % 7 {
		case 2:
			x[i] = float32(math.Copysign(0, -1))
		case 5:
			x[i] = 0
		}
	}
	return x
}

// TestPreNormSpanBits: every span of a plane, normalised by
// PreNorm.span, has the bits BatchNorm(ReLU)ForwardEval writes there,
// on narrow planes (Go loop only) and wide ones (vector loop, then the Go
// tail), -0 inputs included.
func TestPreNormSpanBits(t *testing.T) {
	const c, n, eps = 3, 2, 1e-5
	for _, hw := range []int{1, 9, 31, 32, 33, 36, 45, 144} {
		for _, relu := range []bool{false, true} {
			gamma, beta, mean, variance := preNormCase(uint64(hw), c)
			x := preNormInput(uint64(hw)+1, n*c*hw)
			want := make([]float32, len(x))
			g := BatchNormGeom{N: n, C: c, HW: hw, Eps: eps}
			if err := g.Init(); err != nil {
				t.Fatal(err)
			}
			if relu {
				BatchNormReLUForwardEval(g, x, gamma, beta, mean, variance, want)
			} else {
				BatchNormForwardEval(g, x, gamma, beta, mean, variance, want)
			}
			var p PreNorm
			p.SetBatchNorm(eps, hw, gamma, beta, mean, variance, relu)
			got := make([]float32, hw)
			for s := range n {
				for ch := range c {
					plane := x[(s*c+ch)*hw:][:hw]
					for at := 0; at < hw; at++ {
						for end := at + 1; end <= hw; end++ {
							p.span(got[at:end], plane[at:end], ch, at)
							sameBits(t, fmt.Sprintf("hw %d relu %v sample %d channel %d span [%d, %d)", hw, relu, s, ch, at, end),
								got[at:end], want[(s*c+ch)*hw+at:][:end-at])
							if t.Failed() {
								return
							}
						}
					}
				}
			}
		}
	}
}

// TestConvForwardPreNormBitForBit: a conv that normalises its input as it
// reads it (ConvForwardPreNorm) gives the bits of the batchnorm step
// followed by the conv, for every algorithm (the batched GEMM, pointwise
// and Winograd natively, the others on a normalised copy), on the
// chunkings of convTunings, 1 and 2 threads, the Go and vector Winograd
// transforms, and an input that is a channel slice of a wider tensor (a
// DenseNet concat).
func TestConvForwardPreNormBitForBit(t *testing.T) {
	defer SetThreads(Threads())
	defer func(v bool) { haveWinoVec = v }(haveWinoVec)
	shapes := append([]ConvGeom{
		cgeom(3, 12, 9, 9, 8, 3, 3, 1, 1, 1, 1),   // Winograd, odd map
		cgeom(2, 40, 6, 6, 32, 3, 3, 1, 1, 1, 1),  // DenseNet's block 3
		cgeom(2, 24, 3, 3, 16, 3, 3, 1, 1, 1, 1),  // block 4: small planes
		cgeom(2, 10, 12, 12, 6, 3, 3, 1, 1, 1, 1), // im2col of whole rows
		cgeom(2, 20, 8, 8, 10, 1, 1, 1, 0, 1, 1),  // pointwise (a transition)
		cgeom(3, 6, 11, 10, 5, 3, 3, 2, 1, 1, 1),  // strided
		cgeom(2, 3, 12, 12, 6, 5, 5, 1, 0, 1, 1),  // direct
	}, algoCases...)
	const eps = 1e-5
	var pw, pwRef ConvPackedWeights
	vecs := []bool{false}
	if haveWinoVec {
		vecs = append(vecs, true)
	}
	for _, vec := range vecs {
		haveWinoVec = vec
		for _, threads := range []int{1, 2} {
			SetThreads(threads)
			for _, tu := range convTunings {
				for _, g := range shapes {
					if err := g.Init(); err != nil {
						t.Fatal(err)
					}
					// x is channels [2, 2+C) of a tensor of C+5 channels.
					wide := (g.C + 5) * g.H * g.W
					gs := g
					gs.XStride = wide
					if err := gs.Init(); err != nil {
						t.Fatal(err)
					}
					for algo := range numConvAlgos {
						if !g.Supports(algo) || (!vec && algo != ConvWinograd) {
							continue
						}
						name := fmt.Sprintf("vec %v/%dthreads/%s/%v/%dx%dx%dx%d_k%d_%dx%d_s%d_g%d", vec, threads, tu.name, algo,
							g.N, g.C, g.H, g.W, g.K, g.KH, g.KW, g.SH, g.Groups)
						restore := tu.set()
						seed := uint64(g.C*100 + g.K)
						xs := preNormInput(seed, g.N*wide)
						x := xs[2*g.H*g.W:]
						r := newRand(seed + 1)
						w, _ := randVec(r, g.WeightLen())
						bias, _ := randVec(r, g.K)
						gamma, beta, mean, variance := preNormCase(seed+2, g.C)
						relu := algo != ConvIm2col

						// The batchnorm step, then the conv on its dense output.
						bg := BatchNormGeom{N: g.N, C: g.C, HW: g.H * g.W, Eps: eps, XStride: wide}
						if err := bg.Init(); err != nil {
							t.Fatal(err)
						}
						xn := make([]float32, g.InLen())
						BatchNormReLUForwardEval(bg, x, gamma, beta, mean, variance, xn)
						want := make([]float32, g.OutLen())
						fwd, _ := g.Workspace(algo)
						if PackedAlgo(algo) {
							pwRef.Pack(g, algo, w)
							ConvForwardPacked(g, algo, &pwRef, xn, bias, want, make([]float32, fwd), relu)
						} else {
							ConvForwardAlgo(g, algo, xn, w, bias, want, make([]float32, fwd), relu)
						}

						var pre PreNorm
						pre.SetBatchNorm(eps, g.H*g.W, gamma, beta, mean, variance, true)
						got := make([]float32, g.OutLen())
						var p *ConvPackedWeights
						if PackedAlgo(algo) {
							pw.Pack(gs, algo, w)
							p = &pw
						}
						ConvForwardPreNorm(gs, algo, &pre, p, x, w, bias, got, garbage(gs.WorkspacePreNorm(algo)), relu)
						restore()
						sameBits(t, name, got, want)
						if t.Failed() {
							return
						}
					}
				}
			}
		}
	}
}
