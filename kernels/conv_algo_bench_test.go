package kernels

import (
	"fmt"
	"syscall"
	"testing"
)

// BenchmarkConvAlgo times every eligible algorithm (im2col is the old
// per-sample path) on layers of the book's networks, forward, backward data
// and backward filter, reporting GFLOP/s = 2*MACs/time (the same MACs for
// each pass), GFLOP per CPU-second, and which algorithm ChooseConvAlgo
// picks ("chosen" = 1). Run
//
//	go test -run '^$' -bench 'ConvAlgo/' -benchtime 3x -count 3 ./kernels
//	go test -run '^$' -bench 'ConvAlgo/' -benchtime 3x -count 3 -cpu 1 ./kernels
//
// (-cpu 1 for one core). On a shared machine take the best of several runs:
// other work only ever slows a run down.
//
// ResNet-18, GoogLeNet and DenseNet at 96x96 (Fashion-MNIST upscaled) with
// batch 64; AlexNet and VGG-11 at 224x224 with batch 8. Inputs are 1
// channel, as in the specs.
var benchAlgoLayers = []struct {
	name string
	g    ConvGeom
}{
	{"resnet_stem7x7s2_1to64_96", cgeom(64, 1, 96, 96, 64, 7, 7, 2, 3, 1, 1)},
	{"resnet_3x3_64_24", cgeom(64, 64, 24, 24, 64, 3, 3, 1, 1, 1, 1)},
	{"resnet_3x3s2_64to128_24", cgeom(64, 64, 24, 24, 128, 3, 3, 2, 1, 1, 1)},
	{"resnet_3x3_128_12", cgeom(64, 128, 12, 12, 128, 3, 3, 1, 1, 1, 1)},
	{"resnet_3x3_256_6", cgeom(64, 256, 6, 6, 256, 3, 3, 1, 1, 1, 1)},
	{"resnet_3x3_512_3", cgeom(64, 512, 3, 3, 512, 3, 3, 1, 1, 1, 1)},
	{"resnet_1x1s2_64to128_24", cgeom(64, 64, 24, 24, 128, 1, 1, 2, 0, 1, 1)},
	{"resnet_1x1s2_256to512_6", cgeom(64, 256, 6, 6, 512, 1, 1, 2, 0, 1, 1)},
	{"googlenet_1x1_64to64_24", cgeom(64, 64, 24, 24, 64, 1, 1, 1, 0, 1, 1)},
	{"googlenet_1x1_192to64_12", cgeom(64, 192, 12, 12, 64, 1, 1, 1, 0, 1, 1)},
	{"googlenet_1x1_480to192_6", cgeom(64, 480, 6, 6, 192, 1, 1, 1, 0, 1, 1)},
	{"googlenet_1x1_832to256_3", cgeom(64, 832, 3, 3, 256, 1, 1, 1, 0, 1, 1)},
	{"googlenet_3x3_64to192_24", cgeom(64, 64, 24, 24, 192, 3, 3, 1, 1, 1, 1)},
	{"googlenet_3x3_96to128_12", cgeom(64, 96, 12, 12, 128, 3, 3, 1, 1, 1, 1)},
	{"googlenet_3x3_112to224_6", cgeom(64, 112, 6, 6, 224, 3, 3, 1, 1, 1, 1)},
	{"googlenet_5x5_32to96_12", cgeom(64, 32, 12, 12, 96, 5, 5, 1, 2, 1, 1)},
	{"googlenet_5x5_24to64_6", cgeom(64, 24, 6, 6, 64, 5, 5, 1, 2, 1, 1)},
	{"densenet_3x3_64to32_24", cgeom(64, 64, 24, 24, 32, 3, 3, 1, 1, 1, 1)},
	{"densenet_3x3_128to32_24", cgeom(64, 128, 24, 24, 32, 3, 3, 1, 1, 1, 1)},
	{"densenet_3x3_192to32_24", cgeom(64, 192, 24, 24, 32, 3, 3, 1, 1, 1, 1)},
	{"densenet_3x3_128to32_12", cgeom(64, 128, 12, 12, 32, 3, 3, 1, 1, 1, 1)},
	{"densenet_3x3_160to32_6", cgeom(64, 160, 6, 6, 32, 3, 3, 1, 1, 1, 1)},
	{"alexnet_conv1_11x11s4_1to96_224", cgeom(8, 1, 224, 224, 96, 11, 11, 4, 1, 1, 1)},
	{"vgg_3x3_1to64_224", cgeom(8, 1, 224, 224, 64, 3, 3, 1, 1, 1, 1)},
	{"vgg_3x3_64to128_112", cgeom(8, 64, 112, 112, 128, 3, 3, 1, 1, 1, 1)},
	{"vgg_3x3_128to256_56", cgeom(8, 128, 56, 56, 256, 3, 3, 1, 1, 1, 1)},
	{"mobilenet_dw3x3_144_56", cgeom(8, 144, 56, 56, 144, 3, 3, 1, 1, 1, 144)},
	{"mobilenet_dw3x3s2_144_56", cgeom(8, 144, 56, 56, 144, 3, 3, 2, 1, 1, 144)},
	{"nin_5x5_96to256_26", cgeom(64, 96, 26, 26, 256, 5, 5, 1, 2, 1, 1)},
	{"lenet_5x5_1to6_28", cgeom(256, 1, 28, 28, 6, 5, 5, 1, 0, 1, 1)},
	{"lenet_5x5_6to16_12", cgeom(256, 6, 12, 12, 16, 5, 5, 1, 0, 1, 1)},
}

func BenchmarkConvAlgo(b *testing.B) {
	for _, l := range benchAlgoLayers {
		g := l.g
		if err := g.Init(); err != nil {
			b.Fatal(err)
		}
		flops := 2 * float64(g.N*g.K*g.OH*g.OW*(g.C/g.Groups)*g.KH*g.KW)
		chosen := ChooseConvAlgo(g)
		for _, algo := range allAlgos {
			if !g.Supports(algo) {
				continue
			}
			var s *convStep // built on first use: -bench usually selects a few layers
			for _, pass := range []struct {
				name string
				run  func()
			}{
				{"forward", func() { ConvForwardAlgo(g, algo, s.x, s.w, s.b, s.y, s.fwd, false) }},
				{"backward_data", func() { ConvBackwardDataAlgo(g, algo, s.w, s.dy, s.dx, s.bwd, false) }},
				{"backward_filter", func() { ConvBackwardFilterAlgo(g, algo, s.x, s.dy, s.dw, s.db, s.bwd) }},
			} {
				b.Run(fmt.Sprintf("%s/%v/%s", l.name, algo, pass.name), func(b *testing.B) {
					if s == nil {
						s = newConvStep(b, g, algo, 1)
					}
					pass.run() // warm the GEMM's buffers
					cpu := processCPU()
					for b.Loop() {
						pass.run()
					}
					b.ReportMetric(flops*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
					b.ReportMetric(flops*float64(b.N)/(processCPU()-cpu)/1e9, "GFLOP/cpu-s")
					if algo == chosen {
						b.ReportMetric(1, "chosen")
					}
				})
			}
		}
	}
}

// processCPU is the process's user+system CPU seconds. On a shared machine
// GFLOP per CPU-second is far steadier than per wall second; with two
// threads busy it is about half the wall rate.
func processCPU() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		panic(err)
	}
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9
}
