package kernels

import (
	"fmt"
	"math"
	"testing"
)

// adaptiveRef uses PyTorch's float formulas start = floor(i*H/OH),
// end = ceil((i+1)*H/OH).
func adaptiveRef(g AdaptivePoolGeom, x []float64) []float64 {
	y := make([]float64, g.OutLen())
	rng := func(i, in, out int) (int, int) {
		return int(math.Floor(float64(i*in) / float64(out))), int(math.Ceil(float64((i+1)*in) / float64(out)))
	}
	for p := 0; p < g.N*g.C; p++ {
		for oh := 0; oh < g.OH; oh++ {
			h0, h1 := rng(oh, g.H, g.OH)
			for ow := 0; ow < g.OW; ow++ {
				w0, w1 := rng(ow, g.W, g.OW)
				s := 0.0
				for ih := h0; ih < h1; ih++ {
					for iw := w0; iw < w1; iw++ {
						s += x[(p*g.H+ih)*g.W+iw]
					}
				}
				y[(p*g.OH+oh)*g.OW+ow] = s / float64((h1-h0)*(w1-w0))
			}
		}
	}
	return y
}

func TestAdaptiveAvgPool(t *testing.T) {
	for ci, g := range []AdaptivePoolGeom{
		{N: 2, C: 3, H: 5, W: 5, OH: 3, OW: 3}, // overlapping windows
		{N: 1, C: 2, H: 7, W: 5, OH: 3, OW: 2},
		{N: 2, C: 2, H: 3, W: 3, OH: 1, OW: 1}, // global average (NiN, ResNet, DenseNet heads)
		{N: 1, C: 1, H: 2, W: 3, OH: 4, OW: 5}, // output larger than input
		{N: 1, C: 2, H: 6, W: 6, OH: 2, OW: 3}, // exact division
	} {
		if err := g.Init(); err != nil {
			t.Fatal(err)
		}
		name := fmt.Sprintf("adaptive case %d %+v", ci, g)
		r := newRand(uint64(400 + ci))
		x, x64 := randVec(r, g.InLen())
		dy, r64 := randVec(r, g.OutLen())
		f := func() []float64 { return adaptiveRef(g, x64) }
		y := garbage(g.OutLen())
		AdaptiveAvgPoolForward(g, x, y)
		expect(t, "adaptive pool forward", name, y, f(), 1e-6)
		checkAccumulate(t, "adaptive pool backward", name+" dx", g.InLen(), fdGrad(x64, r64, f), 1e-5, func(dx []float32, acc bool) {
			AdaptiveAvgPoolBackward(g, dy, dx, acc)
		})
	}
}
