package kernels

import (
	"fmt"
	"testing"
)

// convRef is direct convolution in float64 (no im2col): the oracle.
func convRef(g ConvGeom, x, w, b []float64) []float64 {
	cg, kg := g.C/g.Groups, g.K/g.Groups
	y := make([]float64, g.N*g.K*g.OH*g.OW)
	for n := 0; n < g.N; n++ {
		for k := 0; k < g.K; k++ {
			grp := k / kg
			for oh := 0; oh < g.OH; oh++ {
				for ow := 0; ow < g.OW; ow++ {
					s := 0.0
					if b != nil {
						s = b[k]
					}
					for c := 0; c < cg; c++ {
						ci := grp*cg + c
						for i := 0; i < g.KH; i++ {
							for j := 0; j < g.KW; j++ {
								ih := oh*g.SH - g.PH + i*g.DH
								iw := ow*g.SW - g.PW + j*g.DW
								if ih < 0 || ih >= g.H || iw < 0 || iw >= g.W {
									continue
								}
								s += x[((n*g.C+ci)*g.H+ih)*g.W+iw] * w[((k*cg+c)*g.KH+i)*g.KW+j]
							}
						}
					}
					y[((n*g.K+k)*g.OH+oh)*g.OW+ow] = s
				}
			}
		}
	}
	return y
}

var convCases = []ConvGeom{
	{N: 2, C: 3, H: 7, W: 6, K: 4, KH: 3, KW: 3, SH: 1, SW: 1, PH: 1, PW: 1, DH: 1, DW: 1, Groups: 1},
	{N: 1, C: 2, H: 9, W: 7, K: 3, KH: 2, KW: 3, SH: 2, SW: 2, PH: 0, PW: 0, DH: 1, DW: 1, Groups: 1},   // asymmetric kernel, stride 2
	{N: 2, C: 2, H: 8, W: 9, K: 2, KH: 3, KW: 3, SH: 1, SW: 1, PH: 2, PW: 2, DH: 2, DW: 2, Groups: 1},   // dilation
	{N: 2, C: 4, H: 7, W: 8, K: 6, KH: 3, KW: 2, SH: 2, SW: 1, PH: 1, PW: 0, DH: 1, DW: 2, Groups: 2},   // groups, mixed stride/pad/dilation
	{N: 2, C: 3, H: 6, W: 5, K: 3, KH: 3, KW: 3, SH: 1, SW: 1, PH: 1, PW: 1, DH: 1, DW: 1, Groups: 3},   // depthwise
	{N: 1, C: 2, H: 5, W: 5, K: 4, KH: 3, KW: 3, SH: 2, SW: 2, PH: 1, PW: 1, DH: 1, DW: 1, Groups: 2},   // depthwise, multiplier 2
	{N: 3, C: 5, H: 4, W: 3, K: 4, KH: 1, KW: 1, SH: 1, SW: 1, PH: 0, PW: 0, DH: 1, DW: 1, Groups: 1},   // pointwise fast path
	{N: 2, C: 4, H: 3, W: 5, K: 6, KH: 1, KW: 1, SH: 1, SW: 1, PH: 0, PW: 0, DH: 1, DW: 1, Groups: 2},   // pointwise, groups
	{N: 2, C: 3, H: 7, W: 6, K: 2, KH: 1, KW: 1, SH: 2, SW: 3, PH: 0, PW: 1, DH: 1, DW: 1, Groups: 1},   // 1x1 strided + padded: im2col path
	{N: 1, C: 2, H: 4, W: 4, K: 3, KH: 5, KW: 5, SH: 1, SW: 1, PH: 3, PW: 3, DH: 1, DW: 1, Groups: 1},   // padding wider than half the kernel
	{N: 2, C: 1, H: 11, W: 13, K: 3, KH: 7, KW: 7, SH: 2, SW: 2, PH: 3, PW: 3, DH: 1, DW: 1, Groups: 1}, // stem-like 7x7/2
	{N: 1, C: 2, H: 10, W: 9, K: 2, KH: 4, KW: 2, SH: 3, SW: 2, PH: 1, PW: 1, DH: 2, DW: 3, Groups: 1},  // all odd combos
}

func TestConvOutSize(t *testing.T) {
	// Values from PyTorch's formula worked by hand.
	for _, c := range []struct {
		g      ConvGeom
		oh, ow int
	}{
		{ConvGeom{N: 1, C: 1, H: 224, W: 224, K: 96, KH: 11, KW: 11, SH: 4, SW: 4, PH: 1, PW: 1, DH: 1, DW: 1, Groups: 1}, 54, 54},
		{ConvGeom{N: 1, C: 1, H: 96, W: 96, K: 64, KH: 7, KW: 7, SH: 2, SW: 2, PH: 3, PW: 3, DH: 1, DW: 1, Groups: 1}, 48, 48},
		{ConvGeom{N: 1, C: 1, H: 7, W: 8, K: 1, KH: 3, KW: 3, SH: 2, SW: 2, PH: 0, PW: 0, DH: 2, DW: 2, Groups: 1}, 2, 2},
	} {
		if err := c.g.Init(); err != nil {
			t.Fatal(err)
		}
		if c.g.OH != c.oh || c.g.OW != c.ow {
			t.Errorf("%+v: got %dx%d, want %dx%d", c.g, c.g.OH, c.g.OW, c.oh, c.ow)
		}
	}
	bad := []ConvGeom{
		{N: 1, C: 3, H: 5, W: 5, K: 4, KH: 3, KW: 3, SH: 1, SW: 1, DH: 1, DW: 1, Groups: 2}, // groups do not divide C
		{N: 1, C: 2, H: 2, W: 2, K: 2, KH: 3, KW: 3, SH: 1, SW: 1, DH: 1, DW: 1, Groups: 1}, // empty output
		{N: 1, C: 2, H: 5, W: 5, K: 2, KH: 3, KW: 3, SH: 0, SW: 1, DH: 1, DW: 1, Groups: 1}, // zero stride
		{N: 1, C: 2, H: 5, W: 5, K: 2, KH: 3, KW: 3, SH: 1, SW: 1, PH: -1, DH: 1, DW: 1, Groups: 1},
	}
	for _, g := range bad {
		if err := g.Init(); err == nil {
			t.Errorf("%+v: Init accepted an invalid geometry", g)
		}
	}
}

func TestConv(t *testing.T) {
	for ci, g := range convCases {
		if err := g.Init(); err != nil {
			t.Fatal(err)
		}
		for _, withBias := range []bool{true, false} {
			name := fmt.Sprintf("case %d %+v bias=%v", ci, g, withBias)
			r := newRand(uint64(ci + 1))
			x, x64 := randVec(r, g.InLen())
			w, w64 := randVec(r, g.WeightLen())
			var b []float32
			var b64 []float64
			if withBias {
				b, b64 = randVec(r, g.K)
			}
			dy, r64 := randVec(r, g.OutLen())
			col := garbage(g.ColSize())

			y := garbage(g.OutLen())
			ConvForward(g, x, w, b, y, col)
			f := func() []float64 { return convRef(g, x64, w64, b64) }
			expect(t, "conv forward", name+" forward", y, f(), 1e-5)

			wantDx := fdGrad(x64, r64, f)
			checkAccumulate(t, "conv backward data", name+" dx", g.InLen(), wantDx, 1e-5, func(dx []float32, acc bool) {
				ConvBackwardData(g, w, dy, dx, garbage(g.ColSize()), acc)
			})

			dw := garbage(g.WeightLen())
			var db []float32
			if withBias {
				db = garbage(g.K)
			}
			ConvBackwardFilter(g, x, dy, dw, db, garbage(g.ColSize()))
			expect(t, "conv backward filter", name+" dw", dw, fdGrad(w64, r64, f), 1e-5)
			if withBias {
				expect(t, "conv backward bias", name+" db", db, fdGrad(b64, r64, f), 1e-5)
			}
		}
	}
}

// TestIm2colAdjoint checks <im2col(x), c> == <x, col2im(c)>, which is what
// makes backward data the transpose of forward.
func TestIm2colAdjoint(t *testing.T) {
	for ci, g := range convCases {
		if err := g.Init(); err != nil {
			t.Fatal(err)
		}
		cg := g.C / g.Groups
		r := newRand(uint64(100 + ci))
		x, x64 := randVec(r, cg*g.H*g.W)
		n := cg * g.KH * g.KW * g.OH * g.OW
		c, c64 := randVec(r, n)
		col := garbage(n)
		Im2col(g, cg, x, col)
		back := make([]float32, len(x))
		Col2im(g, cg, c, back)
		lhs, rhs := dot64(to64(col), c64), dot64(x64, to64(back))
		if d := lhs - rhs; d*d > 1e-10*(lhs*lhs+1) {
			t.Errorf("case %d: <im2col x, c> = %g, <x, col2im c> = %g", ci, lhs, rhs)
		}
	}
}
