package kernels

import (
	"fmt"
	"testing"
)

// BenchmarkPreNorm times DenseNet's pre-activation layers at batch 64 with
// the batchnorm (and ReLU) as a step of its own, writing the normalised
// tensor that the conv (or the transition's pooling) then reads ("apart"),
// against the conv or pooling normalising its input as it reads it
// ("fused"), in CPU time per pass (ms/cpu-op: steadier than wall time on a
// shared machine). The input is a channel slice of the block's concat, as
// in the net. Run
//
//	go test -run '^$' -bench 'PreNorm' -benchtime 10x -count 3 -cpu 1 ./kernels
func BenchmarkPreNorm(b *testing.B) {
	type layer struct {
		name    string
		c, hw   int // input channels, map side
		wide, k int // the concat's channels, output channels (0: 2x2 average pooling)
	}
	const n = 64
	for _, l := range []layer{
		{"conv3x3_64to32_24", 64, 24, 192, 32}, {"conv3x3_160to32_24", 160, 24, 192, 32},
		{"conv3x3_96to32_12", 96, 12, 224, 32}, {"conv3x3_192to32_12", 192, 12, 224, 32},
		{"conv3x3_112to32_6", 112, 6, 240, 32}, {"conv3x3_208to32_6", 208, 6, 240, 32},
		{"conv3x3_120to32_3", 120, 3, 248, 32}, {"conv3x3_216to32_3", 216, 3, 248, 32},
		{"avgpool_192_24", 192, 24, 192, 0}, {"avgpool_224_12", 224, 12, 224, 0},
		{"conv1x1_192to96_12", 192, 12, 192, 96}, {"conv1x1_224to112_6", 224, 6, 224, 112},
	} {
		hw := l.hw * l.hw
		x := preNormInput(1, n*l.wide*hw)
		gamma, beta, mean, variance := preNormCase(2, l.c)
		var pre PreNorm
		pre.SetBatchNorm(1e-5, hw, gamma, beta, mean, variance, true)
		bg := BatchNormGeom{N: n, C: l.c, HW: hw, Eps: 1e-5, XStride: l.wide * hw}
		if err := bg.Init(); err != nil {
			b.Fatal(err)
		}
		xn := make([]float32, n*l.c*hw)
		var apart, fused func()
		if l.k == 0 {
			g := PoolGeom{N: n, C: l.c, H: l.hw, W: l.hw, KH: 2, KW: 2, SH: 2, SW: 2, CountIncludePad: true, XStride: l.wide * hw}
			if err := g.Init(); err != nil {
				b.Fatal(err)
			}
			dense := g
			dense.XStride = 0
			y := make([]float32, g.OutLen())
			apart = func() {
				BatchNormReLUForwardEval(bg, x, gamma, beta, mean, variance, xn)
				AvgPoolForward(dense, xn, y)
			}
			fused = func() { AvgPoolForwardPreNorm(g, &pre, x, y) }
		} else {
			kk := 3
			if l.name[:7] == "conv1x1" {
				kk = 1
			}
			g := cgeom(n, l.c, l.hw, l.hw, l.k, kk, kk, 1, kk/2, 1, 1)
			g.XStride = l.wide * hw
			if err := g.Init(); err != nil {
				b.Fatal(err)
			}
			dense := g
			dense.XStride = 0
			algo := ChooseConvAlgoForward(g)
			w, _ := randVec(newRand(3), g.WeightLen())
			bias, _ := randVec(newRand(4), g.K)
			var pw, pwd ConvPackedWeights
			pw.Pack(g, algo, w)
			pwd.Pack(dense, algo, w)
			y := make([]float32, g.OutLen())
			fwd, _ := dense.Workspace(algo)
			ws, wsPre := make([]float32, fwd), make([]float32, g.WorkspacePreNorm(algo))
			apart = func() {
				BatchNormReLUForwardEval(bg, x, gamma, beta, mean, variance, xn)
				ConvForwardPacked(dense, algo, &pwd, xn, bias, y, ws, false)
			}
			fused = func() { ConvForwardPreNorm(g, algo, &pre, &pw, x, nil, bias, y, wsPre, false) }
		}
		for _, v := range []struct {
			name string
			run  func()
		}{{"apart", apart}, {"fused", fused}} {
			b.Run(fmt.Sprintf("%s/%s", l.name, v.name), func(b *testing.B) {
				v.run()
				cpu := processCPU()
				for b.Loop() {
					v.run()
				}
				b.ReportMetric((processCPU()-cpu)*1e3/float64(b.N), "ms/cpu-op")
			})
		}
	}
}
