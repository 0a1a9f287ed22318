package kernels

import (
	"fmt"
	"math"
	"testing"
)

// Winograd's accuracy on realistic layers, against the float64 direct
// references, next to the batched im2col GEMM's. Run with -v to print the
// figures (reported in the package notes):
//
//	go test -run WinogradAccuracy -v ./kernels
//
// Two measures per pass:
//   - normwise: max |err| / max |ref| over the tensor (what expect checks);
//   - per output: max over outputs of |err| / Σ|terms|, the error of each
//     output relative to the sum of the absolute values of the products it
//     adds up (its condition scale; |err|/|ref| is unbounded where the
//     terms cancel to ~0).
//
// Inputs are ReLU-like (half zeros, half uniform in [0, 2)) for x and
// standard normal for dy, weights uniform with He scale ±sqrt(6/fan_in).

type accCase struct {
	name string
	g    ConvGeom
}

var accCases = []accCase{
	{"64ch 24x24", cgeom(1, 64, 24, 24, 64, 3, 3, 1, 1, 1, 1)},
	{"128ch 12x12", cgeom(1, 128, 12, 12, 128, 3, 3, 1, 1, 1, 1)},
	{"256ch 6x6", cgeom(1, 256, 6, 6, 256, 3, 3, 1, 1, 1, 1)},
	{"64->32 20x20 pad 0", cgeom(1, 64, 20, 20, 32, 3, 3, 1, 0, 1, 1)},
	{"2x16->8 7x9, odd edges", cgeom(2, 16, 7, 9, 8, 3, 3, 1, 1, 1, 1)},
	{"5x5 96->64 13x13", cgeom(1, 96, 13, 13, 64, 5, 5, 1, 2, 1, 1)},
	{"5x5 2x16->8 7x9, odd edges", cgeom(2, 16, 7, 9, 8, 5, 5, 1, 2, 1, 1)},
}

// winogradAccTol bounds the per-output error of Winograd F(2x2,3x3) (the
// batched GEMM is held to it too). Measured: GEMM at most 2.5e-7 per
// output, 4.8e-7 normwise; Winograd at most 2.4e-7 per output forward and
// backward data, 1.0e-6 backward filter (256 channels, 6x6), 5.7e-7
// normwise. 1e-5 is the budget.
const winogradAccTol = 1e-5

func TestWinogradAccuracy(t *testing.T) {
	for _, c := range accCases {
		g := c.g
		if err := g.Init(); err != nil {
			t.Fatal(err)
		}
		r := newRand(4242)
		x, x64 := make([]float32, g.InLen()), make([]float64, g.InLen())
		for i := range x {
			if r.IntN(2) == 1 {
				x[i] = float32(2 * r.Float64())
				x64[i] = float64(x[i])
			}
		}
		bound := math.Sqrt(6 / float64(g.C*g.KH*g.KW))
		w, w64 := make([]float32, g.WeightLen()), make([]float64, g.WeightLen())
		for i := range w {
			w[i] = float32(bound * (2*r.Float64() - 1))
			w64[i] = float64(w[i])
		}
		dy, dy64 := make([]float32, g.OutLen()), make([]float64, g.OutLen())
		for i := range dy {
			dy[i] = float32(r.NormFloat64())
			dy64[i] = float64(dy[i])
		}
		abs := func(v []float64) []float64 {
			a := make([]float64, len(v))
			for i, e := range v {
				a[i] = math.Abs(e)
			}
			return a
		}
		ax, aw, ady := abs(x64), abs(w64), abs(dy64)
		refs := []struct {
			pass       string
			want, mass []float64
		}{
			{"forward", convRef(g, x64, w64, nil), convRef(g, ax, aw, nil)},
			{"backward data", convDataRef(g, w64, dy64), convDataRef(g, aw, ady)},
		}
		dw, _ := convFilterRef(g, x64, dy64)
		dwMass, _ := convFilterRef(g, ax, ady)
		refs = append(refs, struct {
			pass       string
			want, mass []float64
		}{"backward filter", dw, dwMass})

		for _, algo := range []ConvAlgo{ConvGEMM, ConvWinograd} {
			fwd, bwd := g.Workspace(algo)
			y := make([]float32, g.OutLen())
			ConvForwardAlgo(g, algo, x, w, nil, y, make([]float32, fwd), false)
			dx := make([]float32, g.InLen())
			ConvBackwardDataAlgo(g, algo, w, dy, dx, make([]float32, bwd), false)
			gw := make([]float32, g.WeightLen())
			ConvBackwardFilterAlgo(g, algo, x, dy, gw, nil, make([]float32, bwd))
			for i, got := range [][]float32{y, dx, gw} {
				ref := refs[i]
				norm := relErr(got, ref.want)
				var per float64
				for j, v := range ref.want {
					if ref.mass[j] > 0 {
						per = max(per, math.Abs(float64(got[j])-v)/ref.mass[j])
					}
				}
				if testing.Verbose() {
					fmt.Printf("accuracy %-20s %-9v %-15s normwise %.2e  per output %.2e\n", c.name, algo, ref.pass, norm, per)
				}
				if per > winogradAccTol || math.IsNaN(per) {
					t.Errorf("%s %v %s: per-output error %.3g > %g", c.name, algo, ref.pass, per, winogradAccTol)
				}
			}
		}
	}
}
