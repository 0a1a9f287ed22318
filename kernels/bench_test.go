package kernels

import (
	"fmt"
	"testing"
)

// Conv benchmarks at shapes from the chapter's networks, batch 8, reporting
// GFLOP/s = 2*MACs/time (each pass — forward, backward data, backward
// filter — costs the same MACs). They time whatever Sgemm is installed
// (gonum by default).
var benchConvs = []struct {
	name string
	g    ConvGeom
}{
	{"resnet3x3_64to64_24x24", ConvGeom{N: 8, C: 64, H: 24, W: 24, K: 64, KH: 3, KW: 3, SH: 1, SW: 1, PH: 1, PW: 1, DH: 1, DW: 1, Groups: 1}},
	{"resnet3x3_128to128_12x12", ConvGeom{N: 8, C: 128, H: 12, W: 12, K: 128, KH: 3, KW: 3, SH: 1, SW: 1, PH: 1, PW: 1, DH: 1, DW: 1, Groups: 1}},
	{"stem7x7s2_1to64_96x96", ConvGeom{N: 8, C: 1, H: 96, W: 96, K: 64, KH: 7, KW: 7, SH: 2, SW: 2, PH: 3, PW: 3, DH: 1, DW: 1, Groups: 1}},
	{"pointwise1x1_256to64_24x24", ConvGeom{N: 8, C: 256, H: 24, W: 24, K: 64, KH: 1, KW: 1, SH: 1, SW: 1, DH: 1, DW: 1, Groups: 1}},
}

func BenchmarkConv(b *testing.B) {
	for _, bc := range benchConvs {
		g := bc.g
		if err := g.Init(); err != nil {
			b.Fatal(err)
		}
		r := newRand(1)
		x, _ := randVec(r, g.InLen())
		w, _ := randVec(r, g.WeightLen())
		bias, _ := randVec(r, g.K)
		dy, _ := randVec(r, g.OutLen())
		y, dx := make([]float32, g.OutLen()), make([]float32, g.InLen())
		dw, db := make([]float32, g.WeightLen()), make([]float32, g.K)
		col := make([]float32, g.ColSize())
		flops := 2 * float64(g.N*g.K*g.OH*g.OW*(g.C/g.Groups)*g.KH*g.KW)
		for _, pass := range []struct {
			name string
			run  func()
		}{
			{"forward", func() { ConvForward(g, x, w, bias, y, col) }},
			{"backward_data", func() { ConvBackwardData(g, w, dy, dx, col, false) }},
			{"backward_filter", func() { ConvBackwardFilter(g, x, dy, dw, db, col) }},
		} {
			b.Run(fmt.Sprintf("%s/%s", bc.name, pass.name), func(b *testing.B) {
				for b.Loop() {
					pass.run()
				}
				b.ReportMetric(flops*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
			})
		}
	}
}

func BenchmarkBatchNorm(b *testing.B) {
	g := BatchNormGeom{N: 8, C: 64, HW: 24 * 24, Eps: 1e-5, Momentum: 0.1}
	r := newRand(2)
	x, _ := randVec(r, g.Len())
	dy, _ := randVec(r, g.Len())
	gamma, _ := randVec(r, g.C)
	beta, _ := randVec(r, g.C)
	y, dx := make([]float32, g.Len()), make([]float32, g.Len())
	rm, rv, sm, si := make([]float32, g.C), make([]float32, g.C), make([]float32, g.C), make([]float32, g.C)
	dg, db := make([]float32, g.C), make([]float32, g.C)
	b.Run("relu_forward_train", func(b *testing.B) {
		for b.Loop() {
			BatchNormReLUForwardTrain(g, x, gamma, beta, y, rm, rv, sm, si)
		}
		b.ReportMetric(float64(g.Len())*float64(b.N)/b.Elapsed().Seconds()/1e9, "Gelem/s")
	})
	b.Run("relu_backward", func(b *testing.B) {
		for b.Loop() {
			BatchNormReLUBackward(g, x, y, dy, gamma, sm, si, dx, dg, db, false)
		}
		b.ReportMetric(float64(g.Len())*float64(b.N)/b.Elapsed().Seconds()/1e9, "Gelem/s")
	})
}

// BenchmarkIm2col times the unfold alone (one sample, one group), to see
// its share of a conv pass once Sgemm gets fast.
func BenchmarkIm2col(b *testing.B) {
	for _, bc := range benchConvs[:3] {
		g := bc.g
		if err := g.Init(); err != nil {
			b.Fatal(err)
		}
		x, _ := randVec(newRand(3), g.C*g.H*g.W)
		col := make([]float32, g.ColSize())
		b.Run(bc.name, func(b *testing.B) {
			for b.Loop() {
				Im2col(g, g.C, x, col)
			}
			b.ReportMetric(float64(len(col))*float64(b.N)/b.Elapsed().Seconds()/1e9, "Gelem/s")
		})
		b.Run(bc.name+"/col2im", func(b *testing.B) {
			for b.Loop() {
				Col2im(g, g.C, col, x)
			}
			b.ReportMetric(float64(len(col))*float64(b.N)/b.Elapsed().Seconds()/1e9, "Gelem/s")
		})
	}
}
