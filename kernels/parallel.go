package kernels

import "github.com/netc/netc/kernels/internal/threadpool"

// Task is work over an index range [0, n) that can be split into independent chunks.
// Kernels implement it on a long-lived value (a pointer to a bound step's state), so
// handing it to the workers allocates nothing.
type Task = threadpool.Task

// SetThreads sets how many threads kernels and the GEMM use; n <= 0 means
// runtime.GOMAXPROCS(0). It is the same knob as gemm.SetThreads: both size the one
// worker pool in kernels/internal/threadpool.
func SetThreads(n int) { threadpool.Set(n) }

// Threads is the number of threads kernels use.
func Threads() int { return threadpool.Threads() }

// Parallel runs t over [0, n) on all threads and returns when every chunk is done: one
// contiguous chunk per thread, always the same split for the same n and thread count,
// so results do not depend on scheduling (the caller takes any chunk a late worker has
// not started, so a chunk may run on any thread). Ranges shorter than minChunk per
// thread run on the caller alone, as does a call made while another Parallel is running (nested
// parallelism would only oversubscribe the cores).
func Parallel(n, minChunk int, t Task) { threadpool.Parallel(n, minChunk, t) }
