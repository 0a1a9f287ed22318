package kernels

import (
	"fmt"
	"testing"
)

// TestPackOnceBitForBit: passes that pack their weights once for all their
// chunks (onceA) give the same bits as packing them per chunk (what a pass
// does when onceA is taken), forward and backward, on one and two threads.
func TestPackOnceBitForBit(t *testing.T) {
	defer SetThreads(Threads())
	shapes := append([]ConvGeom{
		cgeom(64, 64, 12, 12, 64, 3, 3, 1, 1, 1, 1), // Winograd: several chunks
		cgeom(2, 300, 4, 4, 30, 3, 3, 1, 1, 1, 1),   // K = 2700: several K blocks
	}, lineShapes...)
	for _, threads := range []int{1, 2} {
		SetThreads(threads)
		for _, tu := range convTunings {
			for _, g := range shapes {
				for _, algo := range []ConvAlgo{ConvGEMM, ConvPointwise, ConvWinograd} {
					if !g.Supports(algo) {
						continue
					}
					name := fmt.Sprintf("%v on %+v, %d threads, %s", algo, g, threads, tu.name)
					restore := tu.set()
					onceMu.Lock() // taken: every chunk packs its own
					perChunk := newConvStep(t, g, algo, 6)
					perChunk.run()
					onceMu.Unlock()
					once := newConvStep(t, g, algo, 6)
					once.run()
					restore()
					for i, out := range once.outputs() {
						sameBits(t, fmt.Sprintf("%s, output %d", name, i), out, perChunk.outputs()[i])
					}
				}
			}
		}
	}
}
