package kernels

import (
	"fmt"
	"syscall"
	"testing"

	"github.com/netc/netc/kernels/internal/gemm"
)

// BenchmarkLineStrides times the nets' forward convs whose chunk matrices
// have column counts off the 64-byte lines, with the padded (lineCols) and
// the unpadded strides, on one thread, in GFLOP/s of the process's CPU time
// (user+sys, so another tenant's load does not count):
//
//	go test -run '^$' -bench LineStrides -count 6 ./kernels
func BenchmarkLineStrides(b *testing.B) {
	defer SetThreads(Threads())
	defer gemm.SetThreads(gemm.Threads())
	defer func() { padLines = true }()
	SetThreads(1)
	gemm.SetThreads(1)
	shapes := []struct {
		name string
		g    ConvGeom
		algo ConvAlgo
	}{
		{"nin_block2.conv1", cgeom(64, 96, 26, 26, 256, 5, 5, 1, 2, 1, 1), ConvGEMM},      // 676 columns a sample
		{"nin_block3.conv1", cgeom(64, 256, 12, 12, 384, 3, 3, 1, 1, 1, 1), ConvWinograd}, // 36 tiles a sample
		{"resnet18 layer2", cgeom(64, 128, 28, 28, 128, 3, 3, 1, 1, 1, 1), ConvWinograd},  // 196 tiles a sample
		{"resnet18 layer3", cgeom(64, 256, 14, 14, 256, 3, 3, 1, 1, 1, 1), ConvWinograd},  // 49 tiles a sample
		{"googlenet 3x3 28x28", cgeom(64, 96, 28, 28, 128, 3, 3, 1, 1, 1, 1), ConvGEMM},   // 784 columns a sample
		{"densenet growth 3x3", cgeom(64, 128, 14, 14, 32, 3, 3, 1, 1, 1, 1), ConvGEMM},   // 196 columns a sample
	}
	for _, sh := range shapes {
		g := sh.g
		if err := g.Init(); err != nil {
			b.Fatal(err)
		}
		for _, pad := range []bool{false, true} {
			b.Run(fmt.Sprintf("%s/%v/padded=%v", sh.name, sh.algo, pad), func(b *testing.B) {
				padLines = pad
				s := newConvStep(b, g, sh.algo, 1)
				fwd, _ := s.g.Workspace(sh.algo)
				s.fwd = lineGarbage(fwd)
				ConvForwardAlgo(s.g, sh.algo, s.x, s.w, s.b, s.y, s.fwd, true)
				start := cpuSeconds()
				for b.Loop() {
					ConvForwardAlgo(s.g, sh.algo, s.x, s.w, s.b, s.y, s.fwd, true)
				}
				macs := float64(g.N * g.K * g.OH * g.OW * g.C / g.Groups * g.KH * g.KW) // direct conv's, also for Winograd
				b.ReportMetric(2*macs*float64(b.N)/(cpuSeconds()-start)/1e9, "GFLOP/s")
			})
		}
	}
}

func cpuSeconds() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		panic(err)
	}
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9
}

// BenchmarkPackOnce times training forwards on two threads with the
// weights packed once per pass (onceA) and packed per chunk (onceA
// taken), in GFLOP/s of the process's CPU time:
//
//	go test -run '^$' -bench PackOnce -count 6 ./kernels
func BenchmarkPackOnce(b *testing.B) {
	defer SetThreads(Threads())
	defer gemm.SetThreads(gemm.Threads())
	SetThreads(2)
	gemm.SetThreads(2)
	shapes := []struct {
		name string
		g    ConvGeom
		algo ConvAlgo
	}{
		{"resnet18 layer4", cgeom(64, 512, 7, 7, 512, 3, 3, 1, 1, 1, 1), ConvGEMM},
		{"resnet18 layer3", cgeom(64, 256, 14, 14, 256, 3, 3, 1, 1, 1, 1), ConvWinograd},
		{"resnet18 layer2", cgeom(64, 128, 28, 28, 128, 3, 3, 1, 1, 1, 1), ConvWinograd},
		{"nin_block2.conv1", cgeom(64, 96, 26, 26, 256, 5, 5, 1, 2, 1, 1), ConvGEMM},
	}
	for _, sh := range shapes {
		g := sh.g
		if err := g.Init(); err != nil {
			b.Fatal(err)
		}
		for _, once := range []bool{false, true} {
			b.Run(fmt.Sprintf("%s/%v/once=%v", sh.name, sh.algo, once), func(b *testing.B) {
				s := newConvStep(b, g, sh.algo, 1)
				fwd, _ := s.g.Workspace(sh.algo)
				s.fwd = lineGarbage(fwd)
				if !once {
					onceMu.Lock()
					defer onceMu.Unlock()
				}
				ConvForwardAlgo(s.g, sh.algo, s.x, s.w, s.b, s.y, s.fwd, true)
				start := cpuSeconds()
				for b.Loop() {
					ConvForwardAlgo(s.g, sh.algo, s.x, s.w, s.b, s.y, s.fwd, true)
				}
				macs := float64(g.N * g.K * g.OH * g.OW * g.C / g.Groups * g.KH * g.KW)
				b.ReportMetric(2*macs*float64(b.N)/(cpuSeconds()-start)/1e9, "GFLOP/s")
			})
		}
	}
}
