package gemm

import (
	"math/rand/v2"
	"testing"
)

// BenchmarkPack reports packing cost per element for 1024-wide operands
// (A: N = row-major rows gathered with stride MR, T = transposed; B: BN =
// 16-float row copies, BT = gathered columns), to weigh it against the
// micro-kernel's ~0.02 ns of arithmetic per packed element reuse.
func BenchmarkPack(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 1))
	a := randSlice(r, 1024*1024)
	dst := make([]float32, 144*256)
	for _, tr := range []bool{false, true} {
		name := "N"
		if tr {
			name = "T"
		}
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				for ic := 0; ic < 1024; ic += 144 {
					packA(dst, 6, tr, a, 1024, ic, min(144, 1024-ic), 256, 256)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/(1024*256), "ns/elem")
		})
	}
	bb := make([]float32, 256*1024)
	for _, tr := range []bool{false, true} {
		name := "BN"
		if tr {
			name = "BT"
		}
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				packB(bb, 16, tr, a, 1024, 256, 256, 0, 1024)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/(1024*256), "ns/elem")
		})
	}
}
