package kernels

import "testing"

// TestChooseConvAlgoForward: an inference plan's choice moves the 3x3
// layers (5x5 from h = 64, in training too) whose forward is cheaper by Winograd (h = C*K/(C+K) from 32 up,
// from 20 up on maps of 400 outputs or more) off the batched GEMM, and changes nothing else: training keeps
// ChooseConvAlgo's choice, and layers Winograd cannot compute, or whose
// maps waste too many tile outputs, stay where they were.
func TestChooseConvAlgoForward(t *testing.T) {
	defer pinWinoTrainMinChannels(winoMinChannels)()
	// infer is under the 400-output bound on Winograd below h = 32 (AVX-512
	// and the Go transforms), inferAnyMap without it (AVX2 transforms and GEMM).
	for _, c := range []struct {
		name                      string
		g                         ConvGeom
		train, infer, inferAnyMap ConvAlgo
	}{
		{"ResNet stage 1 (h=32)", cgeom(64, 64, 24, 24, 64, 3, 3, 1, 1, 1, 1), ConvGEMM, ConvWinograd, ConvWinograd},
		{"ResNet stage 2", cgeom(64, 128, 12, 12, 128, 3, 3, 1, 1, 1, 1), ConvWinograd, ConvWinograd, ConvWinograd},
		{"ResNet stage 4: 3x3 maps", cgeom(64, 512, 3, 3, 512, 3, 3, 1, 1, 1, 1), ConvGEMM, ConvGEMM, ConvGEMM},
		{"DenseNet growth 32, 24x24 (h=21)", cgeom(64, 64, 24, 24, 32, 3, 3, 1, 1, 1, 1), ConvGEMM, ConvWinograd, ConvWinograd},
		{"DenseNet growth 32, 12x12 (h=26)", cgeom(64, 128, 12, 12, 32, 3, 3, 1, 1, 1, 1), ConvGEMM, ConvGEMM, ConvWinograd},
		{"DenseNet growth 32, 12x12 (h=24)", cgeom(64, 96, 12, 12, 32, 3, 3, 1, 1, 1, 1), ConvGEMM, ConvGEMM, ConvWinograd},
		{"DenseNet growth 32, 6x6 (h=27)", cgeom(64, 160, 6, 6, 32, 3, 3, 1, 1, 1, 1), ConvGEMM, ConvGEMM, ConvWinograd},
		{"DenseNet growth 32, 3x3 maps", cgeom(64, 184, 3, 3, 32, 3, 3, 1, 1, 1, 1), ConvGEMM, ConvGEMM, ConvGEMM},
		{"h=32 at 12x12", cgeom(64, 64, 12, 12, 64, 3, 3, 1, 1, 1, 1), ConvGEMM, ConvWinograd, ConvWinograd},
		{"h=31 at 12x12", cgeom(64, 62, 12, 12, 62, 3, 3, 1, 1, 1, 1), ConvGEMM, ConvGEMM, ConvWinograd},
		{"h=19 at 12x12", cgeom(64, 38, 12, 12, 38, 3, 3, 1, 1, 1, 1), ConvGEMM, ConvGEMM, ConvGEMM},
		{"GoogLeNet 96->128 (h=55)", cgeom(64, 96, 12, 12, 128, 3, 3, 1, 1, 1, 1), ConvGEMM, ConvWinograd, ConvWinograd},
		{"too few channels (h=8)", cgeom(64, 16, 24, 24, 16, 3, 3, 1, 1, 1, 1), ConvGEMM, ConvGEMM, ConvGEMM},
		{"h=19", cgeom(64, 38, 24, 24, 38, 3, 3, 1, 1, 1, 1), ConvGEMM, ConvGEMM, ConvGEMM},
		{"VGG's first layer", cgeom(8, 1, 224, 224, 64, 3, 3, 1, 1, 1, 1), ConvGEMM, ConvGEMM, ConvGEMM},
		{"stride 2", cgeom(64, 64, 24, 24, 128, 3, 3, 2, 1, 1, 1), ConvGEMM, ConvGEMM, ConvGEMM},
		{"stride 2 at 12x12", cgeom(64, 64, 12, 12, 128, 3, 3, 2, 1, 1, 1), ConvGEMM, ConvGEMM, ConvGEMM},
		{"NiN's 5x5 96->256 (h=70)", cgeom(64, 96, 26, 26, 256, 5, 5, 1, 2, 1, 1), ConvWinograd, ConvWinograd, ConvWinograd},
		{"5x5 h=64", cgeom(64, 128, 12, 12, 128, 5, 5, 1, 2, 1, 1), ConvWinograd, ConvWinograd, ConvWinograd},
		{"5x5 h=63", cgeom(64, 126, 12, 12, 126, 5, 5, 1, 2, 1, 1), ConvGEMM, ConvGEMM, ConvGEMM},
		{"GoogLeNet's 5x5 32->96 (h=24)", cgeom(64, 32, 12, 12, 96, 5, 5, 1, 2, 1, 1), ConvGEMM, ConvGEMM, ConvGEMM},
		{"5x5 on 3x3 maps", cgeom(64, 256, 3, 3, 256, 5, 5, 1, 2, 1, 1), ConvGEMM, ConvGEMM, ConvGEMM},
		{"5x5 stride 2", cgeom(64, 96, 26, 26, 256, 5, 5, 2, 2, 1, 1), ConvGEMM, ConvGEMM, ConvGEMM},
		{"grouped", cgeom(64, 128, 12, 12, 128, 3, 3, 1, 1, 1, 2), ConvGEMM, ConvGEMM, ConvGEMM},
		{"1x1", cgeom(64, 192, 12, 12, 64, 1, 1, 1, 0, 1, 1), ConvPointwise, ConvPointwise, ConvPointwise},
		{"depthwise", cgeom(8, 144, 56, 56, 144, 3, 3, 1, 1, 1, 144), ConvDepthwise, ConvDepthwise, ConvDepthwise},
	} {
		g := c.g
		if err := g.Init(); err != nil {
			t.Fatal(err)
		}
		if got := ChooseConvAlgo(g); got != c.train {
			t.Errorf("%s: ChooseConvAlgo = %v, want %v", c.name, got, c.train)
		}
		for _, f := range []struct {
			minMap int
			want   ConvAlgo
		}{{winoForwardLargeMap, c.infer}, {0, c.inferAnyMap}} {
			restore := pinWinoForwardMinMap(f.minMap)
			if got := ChooseConvAlgoForward(g); got != f.want {
				t.Errorf("%s: ChooseConvAlgoForward with maps from %d outputs = %v, want %v", c.name, f.minMap, got, f.want)
			}
			restore()
		}
	}
}

// TestWinoForwardMinMapFor: the 400-output bound is lifted only with the
// vector tile transforms and the AVX2 GEMM.
func TestWinoForwardMinMapFor(t *testing.T) {
	for _, c := range []struct {
		vec, avx512 bool
		want        int
	}{{true, false, 0}, {false, false, winoForwardLargeMap}, {true, true, winoForwardLargeMap}, {false, true, winoForwardLargeMap}} {
		if got := winoForwardMinMapFor(c.vec, c.avx512); got != c.want {
			t.Errorf("winoForwardMinMapFor(%v, %v) = %d, want %d", c.vec, c.avx512, got, c.want)
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

// pinWinoTrainMinChannels sets the training threshold for a test and
// returns what restores this machine's.
func pinWinoTrainMinChannels(h int) func() {
	old := winoTrainMinChannels
	winoTrainMinChannels = h
	return func() { winoTrainMinChannels = old }
}

// TestChooseConvAlgoAVX2: with the AVX2 threshold (h from 32 up) training
// moves the 3x3 layers from h = 32 to 64 onto Winograd, the ones an
// inference plan already runs there, and nothing else; the threshold is
// the AVX2 one only with the vector transforms and without AVX-512.
func TestChooseConvAlgoAVX2(t *testing.T) {
	for _, c := range []struct {
		vec, avx512 bool
		want        int
	}{{true, false, 32}, {true, true, 64}, {false, false, 64}, {false, true, 64}} {
		if got := winoMinChannelsFor(c.vec, c.avx512); got != c.want {
			t.Errorf("winoMinChannelsFor(vec %v, avx512 %v) = %d, want %d", c.vec, c.avx512, got, c.want)
		}
	}
	defer pinWinoTrainMinChannels(winoMinChannelsAVX2)()
	for _, c := range []struct {
		name string
		g    ConvGeom
		want ConvAlgo
	}{
		{"ResNet stage 1 (h=32)", cgeom(64, 64, 24, 24, 64, 3, 3, 1, 1, 1, 1), ConvWinograd},
		{"ResNet stage 2", cgeom(64, 128, 12, 12, 128, 3, 3, 1, 1, 1, 1), ConvWinograd},
		{"ResNet stage 4: 3x3 maps", cgeom(64, 512, 3, 3, 512, 3, 3, 1, 1, 1, 1), ConvGEMM},
		{"GoogLeNet 64->192 (h=48)", cgeom(64, 64, 24, 24, 192, 3, 3, 1, 1, 1, 1), ConvWinograd},
		{"GoogLeNet 96->128 (h=55)", cgeom(64, 96, 12, 12, 128, 3, 3, 1, 1, 1, 1), ConvWinograd},
		{"h=31 at 12x12", cgeom(64, 62, 12, 12, 62, 3, 3, 1, 1, 1, 1), ConvGEMM},
		{"DenseNet growth 32, 24x24 (h=21)", cgeom(64, 64, 24, 24, 32, 3, 3, 1, 1, 1, 1), ConvGEMM},
		{"stride 2", cgeom(64, 64, 24, 24, 128, 3, 3, 2, 1, 1, 1), ConvGEMM},
		{"1x1", cgeom(64, 192, 12, 12, 64, 1, 1, 1, 0, 1, 1), ConvPointwise},
	} {
		g := c.g
		if err := g.Init(); err != nil {
			t.Fatal(err)
		}
		if got := ChooseConvAlgo(g); got != c.want {
			t.Errorf("%s: ChooseConvAlgo = %v, want %v", c.name, got, c.want)
		}
		if got := ChooseConvAlgoForward(g); c.want == ConvWinograd && got != ConvWinograd {
			t.Errorf("%s: ChooseConvAlgoForward = %v, want %v as in training", c.name, got, ConvWinograd)
		}
	}
}
