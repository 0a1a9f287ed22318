package kernels

import (
	"fmt"
	"math"
	"testing"
)

// TestPointwiseInPlaceSplit: the forward and backward data of pointwise
// convs on maps of whole lines (H*W a multiple of 16), one sample per
// chunk read and written in place (inPlaceSplit), give the same bits as
// the multi-sample chunks they replace (gemmSplit, tested against the
// float64 reference in TestConvAlgos): bias, ReLU, groups, accumulate,
// dense and strided sample views, one and two threads.
func TestPointwiseInPlaceSplit(t *testing.T) {
	defer SetThreads(Threads())
	for _, g := range []ConvGeom{
		cgeom(64, 192, 12, 12, 64, 1, 1, 1, 0, 1, 1), // GoogLeNet's 12x12 1x1
		cgeom(9, 24, 4, 4, 40, 1, 1, 1, 0, 1, 1),
		cgeom(7, 16, 8, 6, 12, 1, 1, 1, 0, 1, 2),
		cgeom(5, 8, 24, 24, 16, 1, 1, 1, 0, 1, 1),
	} {
		for _, strided := range []bool{false, true} {
			g := g
			if err := g.Init(); err != nil {
				t.Fatal(err)
			}
			if strided {
				g.XStride, g.YStride = g.C*g.H*g.W+16, g.K*g.OH*g.OW+5
			}
			old, in := g.gemmSplit(true), g.inPlaceSplit()
			if old.split.nb < 2 || in.split.nb != 1 || in.workspace(g) != 0 {
				t.Fatalf("%+v: splits %+v and %+v do not compare gathered with in-place chunks", g, old.split, in.split)
			}
			r := newRand(uint64(g.C*g.H + g.K))
			x, _ := randVec(r, g.InSpan())
			w, _ := randVec(r, g.WeightLen())
			b, _ := randVec(r, g.K)
			dy, _ := randVec(r, g.OutSpan())
			base, _ := randVec(r, g.InSpan())
			fwd, _ := g.Workspace(ConvPointwise)
			for _, threads := range []int{1, 2} {
				SetThreads(threads)
				name := fmt.Sprintf("%+v, %d threads", g, threads)
				for _, relu := range []bool{false, true} {
					want, got := garbage(g.OutSpan()), garbage(g.OutSpan())
					gemmForward(g, old, x, w, b, want, garbage(fwd), relu)
					gemmForward(g, in, x, w, b, got, garbage(fwd), relu)
					sameOutputs(t, name+fmt.Sprintf(" forward relu=%v", relu), got, want, g.N, g.K*g.OH*g.OW, g.yStride())
				}
				for _, acc := range []bool{false, true} {
					want, got := append([]float32(nil), base...), append([]float32(nil), base...)
					gemmBackwardData(g, old, w, dy, want, garbage(fwd), acc)
					gemmBackwardData(g, in, w, dy, got, garbage(fwd), acc)
					sameOutputs(t, name+fmt.Sprintf(" backward data acc=%v", acc), got, want, g.N, g.C*g.H*g.W, g.xStride())
				}
			}
		}
	}
}

// sameOutputs fails unless got and want hold the same bits in each of n
// samples' first per elements (stride apart).
func sameOutputs(t *testing.T, name string, got, want []float32, n, per, stride int) {
	t.Helper()
	for s := 0; s < n; s++ {
		for i := s * stride; i < s*stride+per; i++ {
			if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
				t.Fatalf("%s: element %d = %v, want %v", name, i, got[i], want[i])
			}
		}
	}
}
