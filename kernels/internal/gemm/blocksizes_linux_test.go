package gemm

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"testing"

	"golang.org/x/sys/unix"
)

// BenchmarkBlockSizes sweeps KC and MC of the default kernel set on one
// thread, to retune them on a new CPU:
//
//	go test -run '^$' -bench BlockSizes -count 5 ./kernels/internal/gemm
//
// It reports GFLOP per second of this thread's CPU time rather than wall
// time, which is far steadier on a shared, oversubscribed machine (the
// thread is locked to its OS thread so the clock is the right one).
func BenchmarkBlockSizes(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 1))
	ks := *defaultKernels() // a copy: the shared set is never modified
	for _, sh := range [][3]int{{1024, 1024, 1024}, {128, 2304, 1152}} {
		m, n, k := sh[0], sh[1], sh[2]
		a, bm, c := randSlice(r, m*k), randSlice(r, k*n), randSlice(r, m*n)
		for _, kc := range []int{ks.kc / 2, ks.kc * 3 / 4, ks.kc, ks.kc * 3 / 2} {
			for _, mc := range []int{ks.mc / 2, ks.mc, ks.mc * 2} {
				b.Run(fmt.Sprintf("%dx%dx%d/kc=%d/mc=%d", m, n, k, kc, mc), func(b *testing.B) {
					ks.kc, ks.mc = kc, mc
					g := gemmArgs{ks: &ks, m: m, n: n, k: k, alpha: 1, a: a, lda: k, b: bm, ldb: n, c: c, ldc: n}
					runtime.LockOSThread()
					defer runtime.UnlockOSThread()
					start := threadCPU()
					for b.Loop() {
						execute(&g, 1)
					}
					b.ReportMetric(2*float64(m*n*k)*float64(b.N)/(threadCPU()-start)/1e9, "GFLOP/s")
				})
			}
		}
	}
}

func threadCPU() float64 {
	var ts unix.Timespec
	if err := unix.ClockGettime(unix.CLOCK_THREAD_CPUTIME_ID, &ts); err != nil {
		panic(err)
	}
	return float64(ts.Nano()) / 1e9
}
