package kernels

import (
	"fmt"
	"testing"

	"github.com/netc/netc/kernels/internal/gemm"
	"github.com/netc/netc/kernels/internal/threadpool"
)

// TestConvBackwardFilterForkJoins: on two threads a weight gradient over
// many chunks forks the threads once for the chunks and once to add the
// partials (Winograd once more, to turn dU into dw), not two or three times
// per chunk (unfold, gather, GEMM), which is where the second thread was
// lost in training.
func TestConvBackwardFilterForkJoins(t *testing.T) {
	defer SetThreads(Threads())
	SetThreads(2)
	cases := []struct {
		g     ConvGeom
		algo  ConvAlgo
		forks int64
	}{
		{cgeom(16, 16, 24, 24, 16, 3, 3, 1, 1, 1, 1), ConvGEMM, 2},
		{cgeom(12, 40, 16, 16, 24, 1, 1, 1, 0, 1, 1), ConvPointwise, 2},
		{cgeom(16, 32, 24, 24, 32, 3, 3, 1, 1, 1, 1), ConvWinograd, 3},
	}
	for _, c := range cases {
		s := newConvStep(t, c.g, c.algo, 3)
		ConvBackwardFilterAlgo(s.g, c.algo, s.x, s.dy, s.dw, nil, s.bwd) // grow the slots
		before := threadpool.Forks()
		ConvBackwardFilterAlgo(s.g, c.algo, s.x, s.dy, s.dw, nil, s.bwd)
		if got := threadpool.Forks() - before; got > c.forks {
			t.Errorf("%v on %+v: %d fork-joins, want at most %d", c.algo, s.g, got, c.forks)
		}
		expect(t, c.algo.String()+" backward filter", fmt.Sprintf("%v on %+v dw", c.algo, s.g), s.dw, convStepFilterRef(s), algoTol)
	}
}

// TestConvBackwardFilterThreads: the per-thread partials of a weight
// gradient match the float64 reference on 2 and 3 threads, over chunks of
// several samples, of one sample and of bands of rows.
func TestConvBackwardFilterThreads(t *testing.T) {
	defer SetThreads(Threads())
	defer gemm.SetThreads(gemm.Threads())
	for ci, g := range algoCases {
		if err := g.Init(); err != nil {
			t.Fatalf("case %d: %v", ci, err)
		}
		r := newRand(uint64(9000 + ci))
		x, x64 := randVec(r, g.InLen())
		dy, dy64 := randVec(r, g.OutLen())
		wantDw, _ := convFilterRef(g, x64, dy64)
		chunked := chunkedPasses.Load()
		for _, tu := range convTunings[1:] {
			restore := tu.set()
			for _, threads := range []int{2, 3} {
				SetThreads(threads)
				gemm.SetThreads(threads)
				for _, algo := range []ConvAlgo{ConvGEMM, ConvPointwise, ConvWinograd} {
					if !g.Supports(algo) {
						continue
					}
					_, bwd := g.Workspace(algo)
					dw := garbage(g.WeightLen())
					ConvBackwardFilterAlgo(g, algo, x, dy, dw, nil, garbage(bwd))
					expect(t, algo.String()+" backward filter",
						fmt.Sprintf("case %d %v %s chunks, %d threads, %+v dw", ci, algo, tu.name, threads, g), dw, wantDw, algoTol)
				}
			}
			restore()
		}
		if g.N >= 2 && chunkedPasses.Load() == chunked {
			t.Errorf("case %d %+v: no weight gradient ran in per-thread partials", ci, g)
		}
	}
}
