package kernels

import "testing"

// TestChooseConvAlgoForwardAVX2: with the vector tile transforms and the
// AVX2 GEMM, inference takes Winograd from h = 20 on maps of any size whose
// tiles are used enough (DenseNet's 12x12 and 6x6 layers); below h = 20, on
// 3x3 maps and on everything Winograd cannot compute, nothing moves. The
// Go transforms and the AVX-512 GEMM keep the 400-output bound.
func TestChooseConvAlgoForwardAVX2(t *testing.T) {
	if got := winoForwardMinMapFor(true, false); got != 0 {
		t.Errorf("winoForwardMinMapFor(vec, AVX2) = %d, want 0", got)
	}
	for _, c := range []struct {
		vec, avx512 bool
	}{{false, false}, {true, true}, {false, true}} {
		if got := winoForwardMinMapFor(c.vec, c.avx512); got != winoForwardLargeMap {
			t.Errorf("winoForwardMinMapFor(%v, %v) = %d, want %d", c.vec, c.avx512, got, winoForwardLargeMap)
		}
	}
	defer pinWinoForwardMinMap(winoForwardMinMapFor(true, false))()
	for _, c := range []struct {
		name  string
		g     ConvGeom
		infer ConvAlgo
	}{
		{"DenseNet growth 32, 12x12 (h=26)", cgeom(64, 128, 12, 12, 32, 3, 3, 1, 1, 1, 1), ConvWinograd},
		{"DenseNet growth 32, 12x12 (h=24)", cgeom(64, 96, 12, 12, 32, 3, 3, 1, 1, 1, 1), ConvWinograd},
		{"DenseNet growth 32, 6x6 (h=27)", cgeom(64, 160, 6, 6, 32, 3, 3, 1, 1, 1, 1), ConvWinograd},
		{"DenseNet growth 32, 3x3 maps", cgeom(64, 184, 3, 3, 32, 3, 3, 1, 1, 1, 1), ConvGEMM},
		{"DenseNet growth 32, 24x24 (h=21)", cgeom(64, 64, 24, 24, 32, 3, 3, 1, 1, 1, 1), ConvWinograd},
		{"h=19 at 12x12", cgeom(64, 38, 12, 12, 38, 3, 3, 1, 1, 1, 1), ConvGEMM},
		{"h=19 at 24x24", cgeom(64, 38, 24, 24, 38, 3, 3, 1, 1, 1, 1), ConvGEMM},
		{"stride 2", cgeom(64, 64, 12, 12, 128, 3, 3, 2, 1, 1, 1), ConvGEMM},
		{"1x1", cgeom(64, 192, 12, 12, 64, 1, 1, 1, 0, 1, 1), ConvPointwise},
	} {
		g := c.g
		if err := g.Init(); err != nil {
			t.Fatal(err)
		}
		if got := ChooseConvAlgoForward(g); got != c.infer {
			t.Errorf("%s: ChooseConvAlgoForward = %v, want %v", c.name, got, c.infer)
		}
	}
}

// pinWinoForwardMinMap sets winoForwardMinMap for a test and returns the
// restore.
func pinWinoForwardMinMap(n int) func() {
	old := winoForwardMinMap
	winoForwardMinMap = n
	return func() { winoForwardMinMap = old }
}
