package runner

import "github.com/netc/netc/kernels"

// SetThreads sets how many threads every step of every Net runs on (the kernels' one
// worker pool, which the GEMM shares); n <= 0 means runtime.GOMAXPROCS(0).
func SetThreads(n int) { kernels.SetThreads(n) }

// Threads is the number of threads steps run on.
func Threads() int { return kernels.Threads() }
