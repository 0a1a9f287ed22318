package kernels

import (
	"fmt"
	"testing"
	"unsafe"
)

// lineGarbage is garbage(n) starting on a 64-byte line, as the plan's arena
// gives workspaces, so that the padded strides let the GEMM read B in place.
func lineGarbage(n int) []float32 {
	s := garbage(n + 16)
	off := int(uintptr(unsafe.Pointer(unsafe.SliceData(s)))%64) / 4
	return s[(16-off)%16:][:n]
}

// lineShapes have chunk column counts that are not multiples of 16 (169
// and 49 tiles per sample, NiN-like 26x26 maps), plus the step shapes.
var lineShapes = append([]ConvGeom{
	cgeom(2, 8, 13, 13, 24, 3, 3, 1, 1, 1, 1),
	cgeom(3, 16, 26, 26, 32, 3, 3, 1, 1, 1, 1),
	cgeom(4, 24, 13, 13, 40, 1, 1, 1, 0, 1, 1),
	cgeom(2, 12, 11, 9, 20, 5, 5, 2, 2, 1, 1),
}, algoStepShapes...)

// TestLineStridesBitForBit: chunk matrices whose rows are padded to 64-byte
// lines (lineCols) give the same bits as the unpadded layout, for the
// forward (also with packed weights), backward data and weight gradient,
// on one and two threads.
func TestLineStridesBitForBit(t *testing.T) {
	defer SetThreads(Threads())
	defer func() { padLines = true }()
	var pw ConvPackedWeights
	for _, threads := range []int{1, 2} {
		SetThreads(threads)
		for _, g := range lineShapes {
			for _, algo := range []ConvAlgo{ConvGEMM, ConvPointwise, ConvWinograd} {
				if !g.Supports(algo) {
					continue
				}
				name := fmt.Sprintf("%v on %+v, %d threads", algo, g, threads)
				padLines = false
				old := newConvStep(t, g, algo, 3)
				old.run()
				padLines = true
				s := newConvStep(t, g, algo, 3)
				fwd, bwd := s.g.Workspace(algo)
				s.fwd, s.bwd = lineGarbage(fwd), lineGarbage(bwd)
				s.run()
				for i, out := range s.outputs() {
					sameBits(t, fmt.Sprintf("%s, output %d", name, i), out, old.outputs()[i])
				}
				pw.Pack(s.g, algo, s.w)
				y := garbage(len(s.y))
				ConvForwardPacked(s.g, algo, &pw, s.x, s.b, y, lineGarbage(fwd), true)
				sameBits(t, name+", packed forward", y, old.y)
			}
		}
	}
}

// TestLineColsPads: the padded strides are multiples of 16 floats and the
// workspaces hold them.
func TestLineColsPads(t *testing.T) {
	for _, n := range []int{1, 15, 16, 17, 180, 360, 396, 676, 2028, 2916} {
		if l := lineCols(n); l%16 != 0 || l < n || l >= n+16 {
			t.Errorf("lineCols(%d) = %d", n, l)
		}
	}
	g := cgeom(2, 8, 13, 13, 24, 3, 3, 1, 1, 1, 1) // 169 columns per sample
	if err := g.Init(); err != nil {
		t.Fatal(err)
	}
	p := g.gemmSplit(false)
	if p.split.nb < 2 || p.split.maxCols%16 == 0 {
		t.Fatalf("test shape: %d samples, %d columns per chunk", p.split.nb, p.split.maxCols)
	}
	if want := (g.C*9 + g.K) * lineCols(p.split.maxCols); p.workspace(g) != want {
		t.Errorf("GEMM workspace %d, want %d", p.workspace(g), want)
	}
}
