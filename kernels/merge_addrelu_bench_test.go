package kernels

import (
	"fmt"
	"testing"
)

// BenchmarkAddReLU compares a ResNet stage-1 residual add and ReLU as one pass each way
// (fuse-add-relu) with the add and ReLU steps it replaces, on 1 and 2 threads; the add
// runs in place on its first input, as the training plan has it.
func BenchmarkAddReLU(b *testing.B) {
	defer SetThreads(Threads())
	const size = 64 * 64 * 24 * 24
	r := newRand(43)
	a, _ := randVec(r, size)
	sc, _ := randVec(r, size)
	dy, _ := randVec(r, size)
	db := make([]float32, size)
	av, sv, dyv, dbv := flat(a), flat(sc), flat(dy), flat(db)
	for _, threads := range []int{1, 2} {
		SetThreads(threads)
		b.Run(fmt.Sprintf("threads=%d/forward/unfused", threads), func(b *testing.B) {
			for b.Loop() {
				AddForwardView(av, sv, av)
				ReLUForwardView(av, av)
			}
			benchReport(b, size, 12*size)
		})
		b.Run(fmt.Sprintf("threads=%d/forward/fused", threads), func(b *testing.B) {
			for b.Loop() {
				AddReLUForwardView(av, sv, av)
			}
			benchReport(b, size, 12*size)
		})
		b.Run(fmt.Sprintf("threads=%d/backward/unfused", threads), func(b *testing.B) {
			for b.Loop() {
				ReLUBackwardView(av, dyv, dyv, false)
				AddBackwardView(dyv, dyv, false)
				AddBackwardView(dyv, dbv, false)
			}
			benchReport(b, size, 16*size)
		})
		b.Run(fmt.Sprintf("threads=%d/backward/fused", threads), func(b *testing.B) {
			for b.Loop() {
				AddReLUBackwardView(av, dyv, dyv, dbv, false, false)
			}
			benchReport(b, size, 16*size)
		})
	}
}
