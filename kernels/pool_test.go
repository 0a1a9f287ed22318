package kernels

import (
	"fmt"
	"math"
	"testing"
)

// maxPoolRef: the maximum over the kernel taps that land inside the input
// (padding is -inf).
func maxPoolRef(g PoolGeom, x []float64) []float64 {
	y := make([]float64, g.OutLen())
	for p := 0; p < g.N*g.C; p++ {
		for oh := 0; oh < g.OH; oh++ {
			for ow := 0; ow < g.OW; ow++ {
				m := math.Inf(-1)
				for i := 0; i < g.KH; i++ {
					for j := 0; j < g.KW; j++ {
						ih, iw := oh*g.SH-g.PH+i, ow*g.SW-g.PW+j
						if ih >= 0 && ih < g.H && iw >= 0 && iw < g.W {
							m = math.Max(m, x[(p*g.H+ih)*g.W+iw])
						}
					}
				}
				y[(p*g.OH+oh)*g.OW+ow] = m
			}
		}
	}
	return y
}

// avgPoolRef counts taps rather than clipping ranges: a tap counts toward
// the include-pad divisor when it lies in the input or in the padding
// (row < H+PH, col < W+PW; taps past the padding of a ceil-mode window do
// not), and toward the exclude-pad divisor when it lies in the input.
func avgPoolRef(g PoolGeom, x []float64) []float64 {
	y := make([]float64, g.OutLen())
	for p := 0; p < g.N*g.C; p++ {
		for oh := 0; oh < g.OH; oh++ {
			for ow := 0; ow < g.OW; ow++ {
				s, inPad, inInput := 0.0, 0, 0
				for i := 0; i < g.KH; i++ {
					for j := 0; j < g.KW; j++ {
						ih, iw := oh*g.SH-g.PH+i, ow*g.SW-g.PW+j
						if ih < g.H+g.PH && iw < g.W+g.PW {
							inPad++
						}
						if ih >= 0 && ih < g.H && iw >= 0 && iw < g.W {
							inInput++
							s += x[(p*g.H+ih)*g.W+iw]
						}
					}
				}
				div := inInput
				if g.CountIncludePad {
					div = inPad
				}
				y[(p*g.OH+oh)*g.OW+ow] = s / float64(div)
			}
		}
	}
	return y
}

var poolCases = []PoolGeom{
	{N: 2, C: 3, H: 6, W: 8, KH: 3, KW: 3, SH: 2, SW: 2, PH: 1, PW: 1, CeilMode: true},  // last window partly beyond the padding
	{N: 1, C: 2, H: 5, W: 5, KH: 2, KW: 2, SH: 2, SW: 2, PH: 1, PW: 1, CeilMode: true},  // ceil rule drops a window
	{N: 2, C: 2, H: 7, W: 7, KH: 3, KW: 3, SH: 2, SW: 2},                                // AlexNet-style, no padding
	{N: 1, C: 3, H: 6, W: 7, KH: 3, KW: 3, SH: 1, SW: 1, PH: 1, PW: 1},                  // Inception branch pool
	{N: 2, C: 2, H: 8, W: 6, KH: 2, KW: 2, SH: 2, SW: 2},                                // LeNet / DenseNet transition
	{N: 1, C: 2, H: 9, W: 7, KH: 3, KW: 2, SH: 2, SW: 3, PH: 1, PW: 0, CeilMode: true},  // asymmetric
	{N: 1, C: 1, H: 6, W: 6, KH: 4, KW: 4, SH: 3, SW: 3, PH: 2, PW: 2, CeilMode: false}, // large padding
	{N: 1, C: 1, H: 6, W: 6, KH: 4, KW: 4, SH: 3, SW: 3, PH: 2, PW: 2, CeilMode: true},
}

func TestPoolOutSize(t *testing.T) {
	// PyTorch output sizes (by its formula; also pinned in the fixture).
	for _, c := range []struct {
		h, k, s, p int
		ceil       bool
		want       int
	}{
		{6, 3, 2, 1, false, 3}, {6, 3, 2, 1, true, 4}, {5, 2, 2, 1, true, 3}, {5, 2, 2, 1, false, 3},
		{6, 3, 2, 0, true, 3}, {54, 3, 2, 0, false, 26}, {48, 3, 2, 1, false, 24}, {7, 2, 2, 0, true, 4},
	} {
		if got := poolOutLen(c.h, c.k, c.p, c.s, c.ceil); got != c.want {
			t.Errorf("H=%d k=%d s=%d p=%d ceil=%v: got %d, want %d", c.h, c.k, c.s, c.p, c.ceil, got, c.want)
		}
	}
	bad := PoolGeom{N: 1, C: 1, H: 6, W: 6, KH: 3, KW: 3, SH: 1, SW: 1, PH: 2, PW: 2}
	if err := bad.Init(); err == nil {
		t.Error("padding above half the kernel was accepted")
	}
}

func TestMaxPool(t *testing.T) {
	for ci, g := range poolCases {
		if err := g.Init(); err != nil {
			t.Fatal(err)
		}
		name := fmt.Sprintf("maxpool case %d %+v", ci, g)
		r := newRand(uint64(200 + ci))
		x, x64 := distinctVec(r, g.InLen())
		dy, r64 := randVec(r, g.OutLen())
		f := func() []float64 { return maxPoolRef(g, x64) }
		y := garbage(g.OutLen())
		MaxPoolForward(g, x, y)
		expect(t, "maxpool forward", name, y, f(), 0)
		checkAccumulate(t, "maxpool backward", name+" dx", g.InLen(), fdGrad(x64, r64, f), 1e-5, func(dx []float32, acc bool) {
			MaxPoolBackward(g, x, dy, dx, acc)
		})
	}
}

// TestMaxPoolTies checks PyTorch's tie rule on a hand-worked example: the
// first maximum in row-major scan order gets the gradient, and a window that
// holds only -inf routes it to its first in-bounds pixel.
func TestMaxPoolTies(t *testing.T) {
	g := PoolGeom{N: 1, C: 1, H: 3, W: 4, KH: 2, KW: 2, SH: 1, SW: 2, PH: 1, PW: 1}
	if err := g.Init(); err != nil {
		t.Fatal(err)
	}
	if g.OH != 4 || g.OW != 3 {
		t.Fatalf("output %dx%d, want 4x3", g.OH, g.OW)
	}
	inf := float32(math.Inf(-1))
	x := []float32{
		5, 5, 1, 2,
		5, 3, 2, 2,
		inf, inf, 0, 7,
	}
	// Output (oh, ow) covers rows oh-1..oh and columns 2ow-1..2ow.
	wantY := []float32{5, 5, 2, 5, 5, 2, 5, 3, 7, inf, 0, 7}
	// Winners: (0,0)->0 (0,1)->1 (0,2)->3 (1,0)->0 tie (1,1)->1 (1,2)->3 tie
	// (2,0)->4 (2,1)->5 (2,2)->11 (3,0)->8 all -inf (3,1)->10 (3,2)->11.
	wantDx := []float64{1 + 4, 2 + 5, 0, 3 + 6, 7, 8, 0, 0, 10, 0, 11, 9 + 12}
	dy := make([]float32, g.OutLen())
	for i := range dy {
		dy[i] = float32(i + 1)
	}
	y := garbage(g.OutLen())
	MaxPoolForward(g, x, y)
	for i := range y {
		if y[i] != wantY[i] {
			t.Errorf("y[%d] = %v, want %v", i, y[i], wantY[i])
		}
	}
	dx := garbage(g.InLen())
	MaxPoolBackward(g, x, dy, dx, false)
	expect(t, "maxpool ties", "maxpool ties dx", dx, wantDx, 0)
}

func TestAvgPool(t *testing.T) {
	for ci, g := range poolCases {
		for _, inc := range []bool{true, false} {
			g.CountIncludePad = inc
			if err := g.Init(); err != nil {
				t.Fatal(err)
			}
			name := fmt.Sprintf("avgpool case %d %+v", ci, g)
			r := newRand(uint64(300 + ci))
			x, x64 := randVec(r, g.InLen())
			dy, r64 := randVec(r, g.OutLen())
			f := func() []float64 { return avgPoolRef(g, x64) }
			y := garbage(g.OutLen())
			AvgPoolForward(g, x, y)
			expect(t, "avgpool forward", name, y, f(), 1e-6)
			checkAccumulate(t, "avgpool backward", name+" dx", g.InLen(), fdGrad(x64, r64, f), 1e-5, func(dx []float32, acc bool) {
				AvgPoolBackward(g, dy, dx, acc)
			})
		}
	}
}
