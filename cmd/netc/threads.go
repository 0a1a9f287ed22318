package main

import (
	"runtime"

	"github.com/netc/netc/kernels"
)

// setThreads is the one place the CLI sizes the kernels' worker pool (which the GEMM
// shares): n threads, or every core for n <= 0. A positive n also caps GOMAXPROCS, so
// that a --threads 1 run uses one core for the Go runtime too.
func setThreads(n int) {
	kernels.SetThreads(n)
	if n > 0 {
		runtime.GOMAXPROCS(n)
	}
}

// withThreads runs f with the pool (and GOMAXPROCS) at n threads, then restores both.
func withThreads(n int, f func()) {
	prevPool, prevProcs := kernels.Threads(), runtime.GOMAXPROCS(0)
	kernels.SetThreads(n)
	runtime.GOMAXPROCS(n)
	defer func() {
		runtime.GOMAXPROCS(prevProcs)
		kernels.SetThreads(prevPool)
	}()
	f()
}
