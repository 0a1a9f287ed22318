package kernels

import (
	"fmt"
	"testing"
)

// memoryCases: one per algorithm with packed weights or per-thread
// partials, plus a grouped and a multi-K-block GEMM.
var memoryCases = []ConvGeom{
	cgeom(4, 8, 12, 12, 32, 3, 3, 1, 1, 1, 1),  // GEMM or Winograd
	cgeom(4, 40, 6, 6, 48, 1, 1, 1, 0, 1, 1),   // pointwise
	cgeom(3, 12, 8, 8, 64, 3, 3, 1, 1, 1, 2),   // grouped
	cgeom(2, 300, 4, 4, 30, 3, 3, 1, 1, 1, 1),  // K = 2700: several K blocks
	cgeom(6, 16, 10, 10, 24, 3, 3, 2, 1, 1, 1), // strided
}

// PackedLen must be exactly what Pack keeps: the plan's memory report adds
// it up before anything is packed.
func TestPackedLenIsWhatPackHolds(t *testing.T) {
	for _, g := range memoryCases {
		if err := g.Init(); err != nil {
			t.Fatal(err)
		}
		for _, algo := range []ConvAlgo{ConvGEMM, ConvPointwise, ConvWinograd} {
			if !g.Supports(algo) {
				continue
			}
			var pw ConvPackedWeights
			w, _ := randVec(newRand(1), g.WeightLen())
			pw.Pack(g, algo, w)
			held := len(pw.u)
			for _, m := range pw.mats {
				held += m.Len()
			}
			if pw.Len() != held {
				t.Errorf("Len %d, holds %d", pw.Len(), held)
			}
			if got := g.PackedLen(algo); got != held {
				t.Errorf("%v %dx%dx%dx%d k%d g%d: PackedLen %d, Pack holds %d", algo, g.N, g.C, g.H, g.W, g.K, g.Groups, got, held)
			}
		}
	}
}

// ThreadScratch must bound what a training step's passes grow the other
// threads' slots to, on every chunking the tunings give.
func TestThreadScratchBoundsTheSlots(t *testing.T) {
	defer SetThreads(Threads())
	for _, threads := range []int{2, 3} {
		SetThreads(threads)
		for _, tu := range convTunings {
			for _, g := range memoryCases {
				if err := g.Init(); err != nil {
					t.Fatal(err)
				}
				for _, algo := range []ConvAlgo{ConvGEMM, ConvPointwise, ConvWinograd} {
					if !g.Supports(algo) {
						continue
					}
					name := fmt.Sprintf("%dthreads/%s/%v/%dx%dx%dx%d_k%d_g%d", threads, tu.name, algo, g.N, g.C, g.H, g.W, g.K, g.Groups)
					restore := tu.set()
					slotsMu.Lock()
					convSlots = nil
					slotsMu.Unlock()
					r := newRand(2)
					x, _ := randVec(r, g.InLen())
					w, _ := randVec(r, g.WeightLen())
					dy, _ := randVec(r, g.OutLen())
					fwd, bwd := g.Workspace(algo)
					ConvForwardAlgo(g, algo, x, w, nil, make([]float32, g.OutLen()), make([]float32, fwd), false)
					ws := make([]float32, bwd)
					ConvBackwardDataAlgo(g, algo, w, dy, make([]float32, g.InLen()), ws, false)
					ConvBackwardFilterAlgo(g, algo, x, dy, make([]float32, g.WeightLen()), make([]float32, g.K), ws)
					work, part := g.ThreadScratch(algo, true)
					restore()
					slotsMu.Lock()
					for s := 1; s < len(convSlots); s++ {
						if cap(convSlots[s].ws) > work || cap(convSlots[s].part) > part {
							t.Errorf("%s: slot %d holds %d + %d elements, ThreadScratch says at most %d + %d",
								name, s, cap(convSlots[s].ws), cap(convSlots[s].part), work, part)
						}
					}
					slotsMu.Unlock()
				}
			}
		}
	}
}

// PackOnceLen must bound what a training step's passes grow the shared
// panels (onceA) to, on every chunking the tunings give.
func TestPackOnceLenBoundsTheSharedPanels(t *testing.T) {
	defer SetThreads(Threads())
	for _, threads := range []int{1, 2} {
		SetThreads(threads)
		for _, tu := range convTunings {
			for _, g := range memoryCases {
				if err := g.Init(); err != nil {
					t.Fatal(err)
				}
				for _, algo := range []ConvAlgo{ConvGEMM, ConvPointwise, ConvWinograd} {
					if !g.Supports(algo) {
						continue
					}
					name := fmt.Sprintf("%dthreads/%s/%v/%dx%dx%dx%d_k%d_g%d", threads, tu.name, algo, g.N, g.C, g.H, g.W, g.K, g.Groups)
					restore := tu.set()
					onceMu.Lock()
					onceA = ConvPackedWeights{}
					onceMu.Unlock()
					newConvStep(t, g, algo, 4).run()
					restore()
					onceMu.Lock()
					if got, most := onceA.Len(), g.PackOnceLen(algo); got > most {
						t.Errorf("%s: the shared panels hold %d elements, PackOnceLen says at most %d", name, got, most)
					}
					onceMu.Unlock()
				}
			}
		}
	}
}

// TestPackOnceIsUsed: a forward of several chunks packs its weights once
// into the shared panels, which then hold them.
func TestPackOnceIsUsed(t *testing.T) {
	defer SetThreads(Threads())
	SetThreads(2)
	for algo, g := range map[ConvAlgo]ConvGeom{ // several chunks each
		ConvGEMM:     cgeom(16, 16, 24, 24, 16, 3, 3, 1, 1, 1, 1),
		ConvWinograd: cgeom(64, 64, 12, 12, 64, 3, 3, 1, 1, 1, 1),
	} {
		onceMu.Lock()
		onceA = ConvPackedWeights{}
		onceMu.Unlock()
		s := newConvStep(t, g, algo, 5)
		ConvForwardAlgo(s.g, algo, s.x, s.w, s.b, s.y, s.fwd, true)
		if onceA.Len() == 0 || onceA.algo != algo {
			t.Errorf("%v: the forward did not pack its weights once (shared panels: %d elements, %v)", algo, onceA.Len(), onceA.algo)
		}
	}
}
