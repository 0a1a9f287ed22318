package main

import (
	"runtime"

	"github.com/netc/netc/runner"
)

// setThreads is the one place the CLI sizes the worker pool every step runs on: n
// threads, or every core for n <= 0. A positive n also caps GOMAXPROCS, so that a
// --threads 1 run uses one core for the Go runtime too.
func setThreads(n int) {
	runner.SetThreads(n)
	if n > 0 {
		runtime.GOMAXPROCS(n)
	}
}

// withThreads runs f with the pool (and GOMAXPROCS) at n threads, then restores both.
func withThreads(n int, f func()) {
	prevPool, prevProcs := runner.Threads(), runtime.GOMAXPROCS(0)
	runner.SetThreads(n)
	runtime.GOMAXPROCS(n)
	defer func() {
		runtime.GOMAXPROCS(prevProcs)
		runner.SetThreads(prevPool)
	}()
	f()
}
