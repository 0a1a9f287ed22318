package gemm

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"
)

// benchShapes are M x N x K: square sizes and im2col conv layers
// (M = output channels, N = OH*OW, K = Cin*kh*kw) of AlexNet, VGG, LeNet.
var benchShapes = [][3]int{
	{512, 512, 512}, {1024, 1024, 1024}, {2048, 2048, 2048},
	{96, 3136, 363}, {64, 9216, 576}, {128, 2304, 1152}, {16, 128, 150}, {256, 576, 2304},
}

// Run with e.g.
//
//	go test -run '^$' -bench 'Sgemm/' -benchtime 2s ./kernels/internal/gemm
//
// GFLOP/s counts 2*M*N*K flops per call.
func BenchmarkSgemm(b *testing.B) {
	benchGemm(b, false)
}

// BenchmarkSgemmPacked is conv's case: weights (A) packed once, reused.
func BenchmarkSgemmPacked(b *testing.B) {
	benchGemm(b, true)
}

func benchGemm(b *testing.B, packed bool) {
	r := rand.New(rand.NewPCG(1, 1))
	old := Threads()
	defer SetThreads(old)
	for _, sh := range benchShapes {
		m, n, k := sh[0], sh[1], sh[2]
		a, bm, c := randSlice(r, m*k), randSlice(r, k*n), randSlice(r, m*n)
		pa := PackA(false, m, k, a, k)
		for _, th := range []int{1, 2} {
			b.Run(fmt.Sprintf("%dx%dx%d/threads=%d", m, n, k, th), func(b *testing.B) {
				SetThreads(th)
				call := func() {
					if packed {
						SgemmPacked(pa, false, n, 1, bm, n, 0, c, n, Epilogue{})
					} else {
						Sgemm(false, false, m, n, k, 1, a, k, bm, n, 0, c, n)
					}
				}
				call()
				start := time.Now()
				for b.Loop() {
					call()
				}
				el := time.Since(start).Seconds()
				b.ReportMetric(2*float64(m)*float64(n)*float64(k)*float64(b.N)/el/1e9, "GFLOP/s")
			})
		}
	}
}

// BenchmarkKernel times the micro-kernel alone on L1-resident panels:
// the ceiling for the full GEMM.
func BenchmarkKernel(b *testing.B) {
	r := rand.New(rand.NewPCG(2, 2))
	for _, ks := range availableKernels() {
		const kc = 256
		a := randSlice(r, ks.mr*kc)
		bp := randSlice(r, kc*ks.nr)
		c := make([]float32, ks.mr*ks.nr)
		t := tileArgs{alpha: 1}
		b.Run(ks.name, func(b *testing.B) {
			start := time.Now()
			for b.Loop() {
				ks.fns[ks.mr](kc, &a[0], &bp[0], &c[0], ks.nr, &t)
			}
			el := time.Since(start).Seconds()
			b.ReportMetric(2*float64(ks.mr*ks.nr*kc)*float64(b.N)/el/1e9, "GFLOP/s")
		})
	}
}
