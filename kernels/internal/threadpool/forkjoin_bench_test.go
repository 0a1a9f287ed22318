package threadpool

import (
	"fmt"
	"syscall"
	"testing"
)

// workTask gives each index a fixed amount of serial arithmetic.
type workTask struct{ iters int }

func (w workTask) Run(lo, hi int) {
	for range hi - lo {
		if work(w.iters) < 0 { // never: keeps the work
			panic("negative")
		}
	}
}

// work is a dependent chain of iters multiply-adds (about 1.3 ns each).
func work(iters int) float64 {
	x := 1.0
	for range iters {
		x = x*0.9999999 + 1e-9
	}
	return x
}

// BenchmarkForkJoin is a step's pattern in miniature: a serial gap (an op
// that runs on one thread, dispatch), then a fork-join of two chunks of
// equal work. On two threads a perfect pool takes gap + chunk per op, one
// thread gap + 2*chunk; the excess is what waking and joining cost. Empty
// chunks give the bare round trip. cpu-ns/op is the process CPU time per
// op (every thread), which shows what polling costs the machine.
func BenchmarkForkJoin(b *testing.B) {
	defer Set(Threads())
	for _, chunk := range []int{0, 2000, 20000} {
		for _, gap := range []int{0, 4000, 40000} {
			for _, threads := range []int{1, 2} {
				name := fmt.Sprintf("chunk=%d/gap=%d/threads=%d", chunk, gap, threads)
				b.Run(name, func(b *testing.B) {
					Set(threads)
					t := workTask{chunk}
					Parallel(2, 1, t)
					cpu := processCPU()
					b.ResetTimer()
					for range b.N {
						if work(gap) < 0 {
							panic("negative")
						}
						Parallel(2, 1, t)
					}
					b.ReportMetric((processCPU()-cpu)*1e9/float64(b.N), "cpu-ns/op")
				})
			}
		}
	}
}

// processCPU is the process's user+system CPU seconds.
func processCPU() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		panic(err)
	}
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9
}
