package kernels

import (
	"fmt"
	"testing"
)

// TestChunksClaimedByWhoeverRuns: the threads of a chunked pass claim its
// chunks one by one, so a worker that has not started by the time the
// caller is done (here: never starts) leaves nothing undone, and the
// outputs are the bits of a one-thread run. A fixed run of chunks per
// thread would leave the late worker's outputs unwritten.
func TestChunksClaimedByWhoeverRuns(t *testing.T) {
	defer SetThreads(Threads())
	defer func(f func(int, Task)) { forkChunks = f }(forkChunks)
	forks := 0
	callerOnly := func(threads int, t Task) {
		forks++
		t.Run(0, 1) // slot 0 alone: the caller; slots 1.. never run
	}
	for _, g := range []ConvGeom{
		cgeom(16, 16, 24, 24, 16, 3, 3, 1, 1, 1, 1),
		cgeom(12, 40, 16, 16, 24, 1, 1, 1, 0, 1, 1),
	} {
		for _, algo := range []ConvAlgo{ConvGEMM, ConvPointwise, ConvWinograd} {
			if !g.Supports(algo) {
				continue
			}
			SetThreads(1)
			forkChunks = func(threads int, t Task) { Parallel(threads, 1, t) }
			ref := newConvStep(t, g, algo, 3)
			ConvForwardAlgo(ref.g, algo, ref.x, ref.w, ref.b, ref.y, ref.fwd, true)
			ConvBackwardDataAlgo(ref.g, algo, ref.w, ref.dy, ref.dx, ref.bwd, false)

			SetThreads(2)
			forkChunks = callerOnly
			forks = 0
			s := newConvStep(t, g, algo, 3)
			ConvForwardAlgo(s.g, algo, s.x, s.w, s.b, s.y, s.fwd, true)
			ConvBackwardDataAlgo(s.g, algo, s.w, s.dy, s.dx, s.bwd, false)
			name := fmt.Sprintf("%v on %+v", algo, s.g)
			sameBits(t, name+", y", s.y, ref.y)
			sameBits(t, name+", dx", s.dx, ref.dx)

			var pw ConvPackedWeights
			pw.Pack(s.g, algo, s.w)
			y := garbage(len(s.y))
			ConvForwardPacked(s.g, algo, &pw, s.x, s.b, y, s.fwd, true)
			sameBits(t, name+", packed y", y, ref.y)
			if forks < 3 {
				t.Errorf("%s: %d chunked passes, want forward, backward data and packed forward", name, forks)
			}
		}
	}
}
