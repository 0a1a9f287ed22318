package kernels

import (
	"fmt"
	"testing"
)

// Direct float64 references for the conv backward passes, written as the
// adjoints of convRef's loop (no im2col). TestConvBackwardRefs holds them
// to finite differences of convRef, so the algorithm tests can use them on
// shapes where finite differences would be too slow.

// convDataRef is dx (dense) for output gradient dy.
func convDataRef(g ConvGeom, w, dy []float64) []float64 {
	cg, kg := g.C/g.Groups, g.K/g.Groups
	dx := make([]float64, g.N*g.C*g.H*g.W)
	convRefVisit(g, func(n, k, c, oh, ow, i, j, ih, iw int) {
		ci := k/kg*cg + c
		dx[((n*g.C+ci)*g.H+ih)*g.W+iw] += dy[((n*g.K+k)*g.OH+oh)*g.OW+ow] * w[((k*cg+c)*g.KH+i)*g.KW+j]
	})
	return dx
}

// convFilterRef is (dw, dbias) for input x and output gradient dy.
func convFilterRef(g ConvGeom, x, dy []float64) (dw, db []float64) {
	cg, kg := g.C/g.Groups, g.K/g.Groups
	dw = make([]float64, g.WeightLen())
	db = make([]float64, g.K)
	convRefVisit(g, func(n, k, c, oh, ow, i, j, ih, iw int) {
		ci := k/kg*cg + c
		dw[((k*cg+c)*g.KH+i)*g.KW+j] += dy[((n*g.K+k)*g.OH+oh)*g.OW+ow] * x[((n*g.C+ci)*g.H+ih)*g.W+iw]
	})
	for n := 0; n < g.N; n++ {
		for k := 0; k < g.K; k++ {
			for p := 0; p < g.OH*g.OW; p++ {
				db[k] += dy[(n*g.K+k)*g.OH*g.OW+p]
			}
		}
	}
	return dw, db
}

// convRefVisit calls f for every (sample, output channel, in-group input
// channel, output position, tap) whose input pixel lies inside the image.
func convRefVisit(g ConvGeom, f func(n, k, c, oh, ow, i, j, ih, iw int)) {
	cg := g.C / g.Groups
	for n := 0; n < g.N; n++ {
		for k := 0; k < g.K; k++ {
			for c := 0; c < cg; c++ {
				for oh := 0; oh < g.OH; oh++ {
					for ow := 0; ow < g.OW; ow++ {
						for i := 0; i < g.KH; i++ {
							ih := oh*g.SH - g.PH + i*g.DH
							if ih < 0 || ih >= g.H {
								continue
							}
							for j := 0; j < g.KW; j++ {
								iw := ow*g.SW - g.PW + j*g.DW
								if iw >= 0 && iw < g.W {
									f(n, k, c, oh, ow, i, j, ih, iw)
								}
							}
						}
					}
				}
			}
		}
	}
}

func TestConvBackwardRefs(t *testing.T) {
	for ci, g := range convCases {
		if err := g.Init(); err != nil {
			t.Fatal(err)
		}
		r := newRand(uint64(500 + ci))
		_, x := randVec(r, g.InLen())
		_, w := randVec(r, g.WeightLen())
		_, b := randVec(r, g.K)
		_, dy := randVec(r, g.OutLen())
		f := func() []float64 { return convRef(g, x, w, b) }
		name := fmt.Sprintf("case %d", ci)
		expect64(t, name+" dx", convDataRef(g, w, dy), fdGrad(x, dy, f), 1e-8)
		dw, db := convFilterRef(g, x, dy)
		expect64(t, name+" dw", dw, fdGrad(w, dy, f), 1e-8)
		expect64(t, name+" db", db, fdGrad(b, dy, f), 1e-8)
	}
}

func expect64(t *testing.T, what string, got, want []float64, tol float64) {
	t.Helper()
	var num, den float64
	for i := range want {
		num = max(num, abs64(got[i]-want[i]))
		den = max(den, abs64(want[i]))
	}
	if num > tol*max(den, 1e-300) {
		t.Errorf("%s: float64 reference off by %.3g (scale %.3g)", what, num, den)
	}
}

func abs64(v float64) float64 {
	if v < 0 {
		return -v
	}
	return v
}
