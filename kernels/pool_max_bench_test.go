package kernels

import (
	"fmt"
	"testing"
)

// BenchmarkMaxPoolGoogLeNet times GoogLeNet's max pools (96x96 input,
// batch 64), at inference and with the indices training keeps ("arg"), on
// one thread with each kernel set the CPU has ("go" is the key-based row
// path, what AVX2 machines ran before the AVX2 kernels), in milliseconds
// of process CPU time per pool (the machine is shared):
//
//	go test -run '^$' -bench MaxPoolGoogLeNet -count 3 ./kernels
func BenchmarkMaxPoolGoogLeNet(b *testing.B) {
	defer SetThreads(Threads())
	SetThreads(1)
	pools := []struct {
		name       string
		c, side, s int
	}{
		{"b1", 64, 48, 2}, {"b2", 192, 24, 2}, {"b3.p4", 480, 12, 1}, {"b3", 480, 12, 2},
		{"b4.p4", 528, 6, 1}, {"b4", 832, 6, 2}, {"b5.p4", 832, 3, 1},
	}
	for _, p := range pools {
		g := PoolGeom{N: 64, C: p.c, H: p.side, W: p.side, KH: 3, KW: 3, SH: p.s, SW: p.s, PH: 1, PW: 1}
		if err := g.Init(); err != nil {
			b.Fatal(err)
		}
		x, _ := randVec(newRand(1), g.InSpan())
		y := make([]float32, g.OutSpan())
		arg := make([]int32, g.OutLen())
		for _, mode := range []string{"infer", "arg"} {
			pool := func() { MaxPoolForward(g, x, y) }
			if mode == "arg" {
				pool = func() { MaxPoolForwardArgmax(g, x, y, arg) }
			}
			forEachMax3Kernels(func(kernel string) {
				b.Run(fmt.Sprintf("%s/%dx%dx%d/s%d/%s/%s", p.name, p.c, p.side, p.side, p.s, mode, kernel), func(b *testing.B) {
					pool()
					start := cpuSeconds()
					for i := 0; i < b.N; i++ {
						pool()
					}
					b.ReportMetric((cpuSeconds()-start)*1e3/float64(b.N), "cpu-ms/op")
				})
			})
		}
	}
}
