package kernels

import (
	"fmt"
	"math"
	"testing"
)

// TestConvForwardPackedBitForBit: the forward with weights packed once
// (ConvForwardPacked) gives the bits of ConvForwardAlgo, for the batched
// GEMM, pointwise and Winograd, with bias and ReLU, on every chunking of
// convTunings, on 1 and 2 threads, with 16- and 32-row products (the GEMM's
// 16-row kernel set) among them, and after repacking other weights into
// the same ConvPackedWeights.
func TestConvForwardPackedBitForBit(t *testing.T) {
	defer SetThreads(Threads())
	shapes := append([]ConvGeom{
		cgeom(3, 8, 9, 9, 32, 3, 3, 1, 1, 1, 1),   // 32 rows
		cgeom(2, 16, 6, 7, 16, 3, 3, 1, 1, 1, 1),  // 16 rows
		cgeom(2, 40, 5, 5, 48, 1, 1, 1, 0, 1, 1),  // pointwise, 48 rows
		cgeom(2, 12, 8, 8, 64, 3, 3, 1, 1, 1, 2),  // grouped: 32 rows per group
		cgeom(4, 24, 6, 6, 40, 3, 3, 2, 1, 1, 1),  // strided
		cgeom(2, 300, 3, 3, 30, 3, 3, 1, 1, 1, 1), // K = 2700 > one K block
	}, algoCases...)
	var pw ConvPackedWeights // shared by all: every Pack repacks
	for _, threads := range []int{1, 2} {
		SetThreads(threads)
		for _, tu := range convTunings {
			for _, g := range shapes {
				if err := g.Init(); err != nil {
					t.Fatal(err)
				}
				for _, algo := range []ConvAlgo{ConvGEMM, ConvPointwise, ConvWinograd} {
					if !g.Supports(algo) {
						continue
					}
					name := fmt.Sprintf("%dthreads/%s/%v/%dx%dx%dx%d_k%d_%dx%d_g%d", threads, tu.name, algo, g.N, g.C, g.H, g.W, g.K, g.KH, g.KW, g.Groups)
					restore := tu.set()
					r := newRand(uint64(g.C*100 + g.K))
					x, _ := randVec(r, g.InLen())
					w, _ := randVec(r, g.WeightLen())
					bias, _ := randVec(r, g.K)
					fwd, _ := g.Workspace(algo)
					want := make([]float32, g.OutLen())
					ConvForwardAlgo(g, algo, x, w, bias, want, make([]float32, fwd), true)
					pw.Pack(g, algo, w)
					got := make([]float32, g.OutLen())
					ConvForwardPacked(g, algo, &pw, x, bias, got, make([]float32, fwd), true)
					restore()
					for i := range want {
						if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
							t.Fatalf("%s: y[%d] packed %v, unpacked %v", name, i, got[i], want[i])
						}
					}
				}
			}
		}
	}
}
