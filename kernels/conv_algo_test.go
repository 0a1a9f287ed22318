package kernels

import (
	"fmt"
	"math"
	"sync"
	"testing"

	"github.com/netc/netc/kernels/internal/gemm"
)

// Tests of the conv algorithms (conv_algo.go) against the float64 direct
// references (convRef, and convDataRef and convFilterRef, which
// TestConvBackwardRefs holds to finite differences), on every eligible shape
// of convCases plus algoCases, under the default chunking and under tiny
// chunks that force multi-sample chunks, row bands and one-row chunks.

var allAlgos = []ConvAlgo{ConvIm2col, ConvGEMM, ConvPointwise, ConvWinograd, ConvDepthwise, ConvDirect}

func cgeom(n, c, h, w, k, kh, kw, s, p, d, groups int) ConvGeom {
	return ConvGeom{N: n, C: c, H: h, W: w, K: k, KH: kh, KW: kw, SH: s, SW: s, PH: p, PW: p, DH: d, DW: d, Groups: groups}
}

// algoCases are shapes for the algorithms' edges: ragged tile grids, wide
// padding, channel multipliers, large kernels, batch sizes 1 to 5.
var algoCases = func() []ConvGeom {
	var cs []ConvGeom
	for n := 1; n <= 5; n++ {
		cs = append(cs,
			cgeom(n, 3, 7, 5, 4, 3, 3, 1, 1, 1, 1), // Winograd, odd output
			cgeom(n, 4, 3, 3, 5, 3, 3, 1, 1, 1, 1), // late ResNet layer: 3x3 maps
			cgeom(n, 4, 5, 5, 4, 3, 3, 1, 1, 1, 4), // depthwise
			cgeom(n, 6, 3, 3, 4, 1, 1, 1, 0, 1, 1), // pointwise on 3x3 maps
		)
	}
	return append(cs,
		cgeom(2, 2, 6, 9, 3, 3, 3, 1, 0, 1, 1),    // Winograd, no padding
		cgeom(3, 2, 5, 4, 2, 3, 3, 1, 2, 1, 1),    // Winograd, padding 2
		cgeom(2, 3, 4, 11, 5, 3, 3, 1, 3, 1, 1),   // Winograd, padding 3 (backward offset > 0)
		cgeom(1, 1, 3, 3, 1, 3, 3, 1, 1, 1, 1),    // single pixel channels
		cgeom(2, 3, 10, 7, 6, 3, 3, 2, 1, 1, 3),   // depthwise, stride 2, multiplier 2
		cgeom(2, 2, 11, 11, 2, 5, 5, 1, 4, 2, 2),  // depthwise, dilated 5x5
		cgeom(2, 2, 10, 12, 2, 9, 9, 1, 4, 1, 2),  // depthwise, 81 taps (> depthwiseTaps)
		cgeom(3, 2, 3, 3, 4, 3, 3, 1, 0, 1, 2),    // depthwise, 1x1 output
		cgeom(2, 3, 5, 4, 3, 3, 3, 2, 0, 1, 3),    // depthwise, stride 2, 2x1 output
		cgeom(3, 4, 7, 5, 8, 1, 1, 1, 0, 1, 4),    // pointwise, 4 groups
		cgeom(4, 3, 1, 1, 5, 1, 1, 1, 0, 1, 1),    // pointwise on 1x1 maps
		cgeom(3, 4, 9, 9, 6, 1, 1, 2, 0, 1, 2),    // strided 1x1 projection, groups
		cgeom(2, 3, 9, 10, 4, 3, 3, 2, 1, 1, 1),   // stride-2 3x3
		cgeom(1, 2, 12, 13, 3, 3, 3, 1, 1, 1, 1),  // many tiles per plane
		cgeom(2, 6, 7, 5, 3, 3, 3, 1, 1, 1, 1),    // narrowing (K < C): backward data as a forward conv
		cgeom(3, 5, 6, 6, 2, 5, 5, 1, 2, 1, 1),    // narrowing 5x5
		cgeom(2, 4, 6, 7, 3, 3, 2, 1, 0, 1, 1),    // narrowing, no padding, 3x2 kernel
		cgeom(2, 8, 3, 3, 2, 3, 3, 1, 1, 1, 1),    // narrowing on 3x3 maps
		cgeom(3, 1, 28, 28, 6, 5, 5, 1, 0, 1, 1),  // direct: LeNet's conv1, 24-wide rows (16 + 8 lanes)
		cgeom(2, 6, 12, 12, 16, 5, 5, 1, 0, 1, 1), // direct: LeNet's conv2, two 8-channel blocks
		cgeom(2, 3, 9, 40, 11, 3, 4, 1, 0, 1, 1),  // direct: 37-wide rows (3 segments), 11 channels
		cgeom(3, 2, 5, 5, 17, 3, 2, 1, 0, 1, 1),   // direct: 3 rows of 4 (odd segment count), 17 channels
		cgeom(2, 1, 3, 3, 1, 3, 3, 1, 0, 1, 1),    // direct: one output pixel, one channel
		cgeom(2, 3, 9, 7, 5, 5, 5, 1, 2, 1, 1),    // Winograd 5x5 (four sub-kernels), odd output
		cgeom(1, 2, 6, 8, 3, 5, 5, 1, 0, 1, 1),    // Winograd 5x5, no padding: 2x4 output
		cgeom(2, 2, 4, 5, 2, 5, 5, 1, 5, 1, 1),    // Winograd 5x5, padding 5 (backward offset > 0)
		cgeom(3, 2, 5, 5, 4, 5, 5, 1, 1, 1, 1),    // Winograd 5x5, padding 1: 3x3 output
	)
}()

// convTuning is one setting of the chunking variables.
type convTuning struct {
	name                                   string
	cols, minWork, budget, minCols, pwCols int
	winoTiles, winoBudget                  int
	filterCols                             int // filterMinCols
}

var convTunings = []convTuning{
	{"default", gemmTargetCols, gemmMinWork, gemmBudget, gemmMinCols, pointwiseTargetCols, winoTargetTiles, winoBudget, filterMinCols},
	{"small", 12, 0, 1 << 21, 0, 12, 5, 1 << 21, 0},    // several samples per chunk
	{"bands", 4, 0, 1200, 0, 4, 2, 1000, 0},            // bands of a few rows
	{"medium", 40, 0, 1 << 21, 0, 40, 9, 1 << 21, 0},   // other chunk boundaries
	{"rows", 1 << 20, 0, 1, 1, 1 << 20, 1 << 20, 1, 0}, // budget-bound: one row per chunk
}

func (tu convTuning) set() (restore func()) {
	old := convTuning{"", gemmTargetCols, gemmMinWork, gemmBudget, gemmMinCols, pointwiseTargetCols, winoTargetTiles, winoBudget, filterMinCols}
	gemmTargetCols, gemmMinWork, gemmBudget, gemmMinCols = tu.cols, tu.minWork, tu.budget, tu.minCols
	pointwiseTargetCols, winoTargetTiles, winoBudget = tu.pwCols, tu.winoTiles, tu.winoBudget
	filterMinCols = tu.filterCols
	return func() { old.set() }
}

// algoTol is the normwise tolerance for every algorithm, Winograd included
// (the worst case on these shapes is ~6e-7).
const algoTol = 1e-5

func relu64(v []float64) []float64 {
	out := make([]float64, len(v))
	for i, x := range v {
		out[i] = max(x, 0)
	}
	return out
}

func TestConvAlgos(t *testing.T) {
	cases := append(append([]ConvGeom(nil), convCases...), algoCases...)
	for ci, g := range cases {
		if err := g.Init(); err != nil {
			t.Fatalf("case %d: %v", ci, err)
		}
		r := newRand(uint64(7000 + ci))
		x, x64 := randVec(r, g.InLen())
		w, w64 := randVec(r, g.WeightLen())
		b, b64 := randVec(r, g.K)
		dy, dy64 := randVec(r, g.OutLen())
		wantY := convRef(g, x64, w64, b64)
		wantYRelu := relu64(wantY)
		wantDx := convDataRef(g, w64, dy64)
		wantDw, wantDb := convFilterRef(g, x64, dy64)
		for _, tu := range convTunings {
			restore := tu.set()
			for _, algo := range allAlgos {
				if !g.Supports(algo) {
					continue
				}
				name := fmt.Sprintf("case %d %v %s chunks, %+v", ci, algo, tu.name, g)
				tol := algoTol
				fwd, bwd := g.Workspace(algo)
				for _, relu := range []bool{false, true} {
					y := garbage(g.OutLen())
					ConvForwardAlgo(g, algo, x, w, b, y, garbage(fwd), relu)
					want := wantY
					if relu {
						want = wantYRelu
					}
					expect(t, algo.String()+" forward", fmt.Sprintf("%s forward relu=%v", name, relu), y, want, tol)
				}
				y := garbage(g.OutLen())
				ConvForwardAlgo(g, algo, x, w, nil, y, garbage(fwd), false)
				expect(t, algo.String()+" forward", name+" forward no bias", y, convRef(g, x64, w64, nil), tol)

				checkAccumulate(t, algo.String()+" backward data", name+" dx", g.InLen(), wantDx, tol, func(dx []float32, acc bool) {
					ConvBackwardDataAlgo(g, algo, w, dy, dx, garbage(bwd), acc)
				})
				dw, db := garbage(g.WeightLen()), garbage(g.K)
				ConvBackwardFilterAlgo(g, algo, x, dy, dw, db, garbage(bwd))
				expect(t, algo.String()+" backward filter", name+" dw", dw, wantDw, tol)
				expect(t, algo.String()+" backward filter", name+" db", db, wantDb, 1e-6)
				dw2 := garbage(g.WeightLen())
				ConvBackwardFilterAlgo(g, algo, x, dy, dw2, nil, garbage(bwd))
				sameBits(t, name+" dw without dbias", dw2, dw)
			}
			restore()
		}
	}
}

func sameBits(t *testing.T, what string, got, want []float32) {
	t.Helper()
	for i := range want {
		if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
			t.Errorf("%s: element %d is %v, want %v (bitwise)", what, i, got[i], want[i])
			return
		}
	}
}

// TestConvAlgoSupport pins eligibility and the choice on typical layers.
func TestConvAlgoSupport(t *testing.T) {
	for _, c := range []struct {
		g    ConvGeom
		want []ConvAlgo
	}{
		{cgeom(2, 8, 8, 8, 8, 3, 3, 1, 1, 1, 1), []ConvAlgo{ConvIm2col, ConvGEMM, ConvWinograd}},
		{cgeom(2, 8, 8, 8, 8, 3, 3, 2, 1, 1, 1), []ConvAlgo{ConvIm2col, ConvGEMM}},
		{cgeom(2, 8, 8, 8, 8, 3, 3, 1, 2, 2, 1), []ConvAlgo{ConvIm2col, ConvGEMM}},
		{cgeom(2, 8, 8, 8, 8, 3, 3, 1, 1, 1, 2), []ConvAlgo{ConvIm2col, ConvGEMM}},
		{cgeom(2, 8, 8, 8, 8, 3, 3, 1, 1, 1, 8), []ConvAlgo{ConvIm2col, ConvGEMM, ConvDepthwise}},
		{cgeom(2, 8, 8, 8, 16, 1, 1, 1, 0, 1, 1), []ConvAlgo{ConvIm2col, ConvGEMM, ConvPointwise}},
		{cgeom(2, 8, 8, 8, 16, 1, 1, 1, 0, 1, 8), []ConvAlgo{ConvIm2col, ConvGEMM, ConvPointwise, ConvDepthwise}},
		{cgeom(2, 8, 8, 8, 16, 1, 1, 2, 0, 1, 1), []ConvAlgo{ConvIm2col, ConvGEMM}},
		{cgeom(2, 6, 12, 12, 16, 5, 5, 1, 0, 1, 1), []ConvAlgo{ConvIm2col, ConvGEMM, ConvWinograd, ConvDirect}},
		{cgeom(2, 6, 12, 12, 16, 5, 5, 1, 0, 1, 2), []ConvAlgo{ConvIm2col, ConvGEMM}},
		{cgeom(2, 6, 12, 12, 16, 5, 5, 1, 0, 2, 1), []ConvAlgo{ConvIm2col, ConvGEMM}},
		{cgeom(2, 64, 12, 12, 16, 5, 5, 1, 0, 1, 1), []ConvAlgo{ConvIm2col, ConvGEMM, ConvWinograd}},
		{cgeom(2, 64, 12, 12, 16, 5, 5, 2, 2, 1, 1), []ConvAlgo{ConvIm2col, ConvGEMM}},
		{cgeom(2, 64, 12, 12, 16, 4, 4, 1, 1, 1, 1), []ConvAlgo{ConvIm2col, ConvGEMM}},
		{cgeom(2, 64, 12, 12, 16, 7, 7, 1, 3, 1, 1), []ConvAlgo{ConvIm2col, ConvGEMM}},
	} {
		g := c.g
		if err := g.Init(); err != nil {
			t.Fatal(err)
		}
		var got []ConvAlgo
		for _, a := range allAlgos {
			if g.Supports(a) {
				got = append(got, a)
			}
		}
		if fmt.Sprint(got) != fmt.Sprint(c.want) {
			t.Errorf("%+v supports %v, want %v", g, got, c.want)
		}
		if ch := ChooseConvAlgo(g); !g.Supports(ch) {
			t.Errorf("%+v: chose %v, which does not support it", g, ch)
		}
	}
	// The cost model on typical layers (batch 64), with the threshold
	// measured with AVX-512 (TestChooseConvAlgoAVX2 has AVX2's).
	defer pinWinoTrainMinChannels(winoMinChannels)()
	for _, c := range []struct {
		g    ConvGeom
		want ConvAlgo
	}{
		{cgeom(64, 64, 24, 24, 64, 3, 3, 1, 1, 1, 1), ConvGEMM},       // ResNet stage 1: too few channels
		{cgeom(64, 128, 12, 12, 128, 3, 3, 1, 1, 1, 1), ConvWinograd}, // stage 2
		{cgeom(64, 256, 6, 6, 256, 3, 3, 1, 1, 1, 1), ConvWinograd},   // stage 3
		{cgeom(64, 512, 3, 3, 512, 3, 3, 1, 1, 1, 1), ConvGEMM},       // stage 4: 3x3 maps waste 7/16 of the tiles
		{cgeom(64, 64, 24, 24, 32, 3, 3, 1, 1, 1, 1), ConvGEMM},       // DenseNet growth 32
		{cgeom(64, 16, 24, 24, 16, 3, 3, 1, 1, 1, 1), ConvGEMM},       // too few channels
		{cgeom(8, 1, 224, 224, 64, 3, 3, 1, 1, 1, 1), ConvGEMM},       // VGG's first layer
		{cgeom(64, 64, 24, 24, 128, 3, 3, 2, 1, 1, 1), ConvGEMM},      // stride 2
		{cgeom(64, 64, 24, 24, 128, 1, 1, 2, 0, 1, 1), ConvGEMM},      // strided projection
		{cgeom(64, 192, 12, 12, 64, 1, 1, 1, 0, 1, 1), ConvPointwise}, // GoogLeNet 1x1
		{cgeom(8, 144, 56, 56, 144, 3, 3, 1, 1, 1, 144), ConvDepthwise},
		{cgeom(8, 1, 96, 96, 64, 7, 7, 2, 3, 1, 1), ConvGEMM},     // stem
		{cgeom(256, 1, 28, 28, 6, 5, 5, 1, 0, 1, 1), ConvDirect},  // LeNet conv1
		{cgeom(256, 6, 12, 12, 16, 5, 5, 1, 0, 1, 1), ConvDirect}, // LeNet conv2
		{cgeom(256, 6, 12, 12, 32, 5, 5, 1, 0, 1, 1), ConvGEMM},   // more channels than one GEMM tile
	} {
		g := c.g
		if err := g.Init(); err != nil {
			t.Fatal(err)
		}
		if got := ChooseConvAlgo(g); got != c.want {
			t.Errorf("ChooseConvAlgo(%+v) = %v, want %v", g, got, c.want)
		}
	}
	for _, a := range allAlgos {
		if p, err := ParseConvAlgo(a.String()); err != nil || p != a {
			t.Errorf("ParseConvAlgo(%q) = %v, %v", a.String(), p, err)
		}
	}
	if _, err := ParseConvAlgo("fft"); err == nil {
		t.Error("ParseConvAlgo accepted an unknown name")
	}
	g := cgeom(2, 8, 8, 8, 8, 3, 3, 2, 1, 1, 1)
	if err := g.Init(); err != nil {
		t.Fatal(err)
	}
	mustPanic(t, "Winograd on a strided conv", func() {
		ConvForwardAlgo(g, ConvWinograd, make([]float32, g.InLen()), make([]float32, g.WeightLen()), nil,
			make([]float32, g.OutLen()), make([]float32, 1<<16), false)
	})
}

// TestConvAlgoWorkspace: a workspace one element short panics before
// anything is written (the exact size is what every other test passes).
func TestConvAlgoWorkspace(t *testing.T) {
	for _, tu := range convTunings {
		restore := tu.set()
		for ci, g := range algoCases {
			if err := g.Init(); err != nil {
				t.Fatal(err)
			}
			for _, algo := range allAlgos {
				if !g.Supports(algo) {
					continue
				}
				fwd, bwd := g.Workspace(algo)
				name := fmt.Sprintf("%s chunks, case %d %v", tu.name, ci, algo)
				x, w, dy := make([]float32, g.InLen()), make([]float32, g.WeightLen()), make([]float32, g.OutLen())
				if fwd > 0 {
					y := garbage(g.OutLen())
					mustPanic(t, name+" forward, short workspace", func() { ConvForwardAlgo(g, algo, x, w, nil, y, make([]float32, fwd-1), false) })
					if !math.IsNaN(float64(y[0])) {
						t.Errorf("%s: forward wrote y before panicking", name)
					}
				}
				if bwd > 0 {
					dx, dw := garbage(g.InLen()), garbage(g.WeightLen())
					mustPanic(t, name+" backward data, short workspace", func() { ConvBackwardDataAlgo(g, algo, w, dy, dx, make([]float32, bwd-1), false) })
					mustPanic(t, name+" backward filter, short workspace", func() { ConvBackwardFilterAlgo(g, algo, x, dy, dw, nil, make([]float32, bwd-1)) })
					if !math.IsNaN(float64(dx[0])) || !math.IsNaN(float64(dw[0])) {
						t.Errorf("%s: backward wrote before panicking", name)
					}
				}
			}
		}
		restore()
	}
}

// TestStridedConvAlgos: on per-sample strided views (channel slices with
// NaN padding around them) every algorithm gives bit for bit the result it
// gives on dense copies, and writes nothing outside the views.
func TestStridedConvAlgos(t *testing.T) {
	cases := append(append([]ConvGeom(nil), convCases...), algoCases[len(algoCases)-12:]...)
	for _, tu := range convTunings[:2] {
		restore := tu.set()
		for ci, g := range cases {
			if err := g.Init(); err != nil {
				t.Fatal(err)
			}
			for _, algo := range allAlgos[1:] {
				if !g.Supports(algo) {
					continue
				}
				fwd, bwd := g.Workspace(algo)
				for mode, lname := range layoutNames {
					r := newRand(uint64(9000 + 100*ci + 10*mode + int(algo)))
					name := fmt.Sprintf("%v %s chunks case %d %s", algo, tu.name, ci, lname)
					x := newStrided(r, mode, g.N, g.C, g.H*g.W).fill(r)
					y := newStrided(r, mode, g.N, g.K, g.OH*g.OW)
					w, b := plain(r, g.WeightLen()).fill(r), plain(r, g.K).fill(r)
					ws := plain(r, max(fwd, bwd))
					ws.scratch = true
					geom := func(c call, xi, yi int) ConvGeom {
						gg := g
						gg.XStride, gg.YStride = c.stride(xi), c.stride(yi)
						return gg
					}
					relu := mode == 1
					sameAsDense(t, name+" forward", 0, []*strided{x, w, b, y, ws}, func(c call) {
						ConvForwardAlgo(geom(c, 0, 3), algo, c.s[0], c.s[1], c.s[2], c.s[3], c.s[4], relu)
					})
					for _, acc := range []bool{false, true} {
						dy := y.like(r).fill(r)
						dx := x.like(r)
						if acc {
							dx.fill(r)
						}
						sameAsDense(t, fmt.Sprintf("%s backward data acc=%v", name, acc), 0, []*strided{w, dy, dx, ws}, func(c call) {
							ConvBackwardDataAlgo(geom(c, 2, 1), algo, c.s[0], c.s[1], c.s[2], c.s[3], acc)
						})
					}
					dy := y.like(r).fill(r)
					dw, db := plain(r, g.WeightLen()), plain(r, g.K)
					sameAsDense(t, name+" backward filter", 0, []*strided{x, dy, dw, db, ws}, func(c call) {
						ConvBackwardFilterAlgo(geom(c, 0, 1), algo, c.s[0], c.s[1], c.s[2], c.s[3], c.s[4])
					})
				}
			}
		}
		restore()
	}
}

// algoStepShapes are realistic enough for the parallel loops and the
// multi-threaded GEMM to engage (and, for Winograd and the batched GEMM,
// several chunks under the default sizes).
var algoStepShapes = []ConvGeom{
	cgeom(16, 32, 12, 12, 32, 3, 3, 1, 1, 1, 1),
	cgeom(8, 64, 5, 5, 48, 3, 3, 1, 1, 1, 1),
	cgeom(4, 32, 18, 18, 16, 3, 3, 2, 1, 1, 1),
	cgeom(8, 48, 9, 9, 32, 1, 1, 1, 0, 1, 2),
	cgeom(2, 24, 60, 60, 24, 1, 1, 1, 0, 1, 1),
	cgeom(4, 32, 20, 20, 32, 3, 3, 1, 1, 1, 32),
	// Many chunks: each thread takes a run of whole chunks (chunkTask).
	cgeom(16, 16, 24, 24, 16, 3, 3, 1, 1, 1, 1),
	cgeom(12, 40, 16, 16, 24, 1, 1, 1, 0, 1, 1),
	// LeNet's convs, sample-parallel on the direct kernel.
	cgeom(16, 1, 28, 28, 6, 5, 5, 1, 0, 1, 1),
	cgeom(16, 6, 12, 12, 16, 5, 5, 1, 0, 1, 1),
}

// convStep runs forward, backward data and backward filter once.
type convStep struct {
	g                      ConvGeom
	algo                   ConvAlgo
	x, w, b, y, dy, dx, dw []float32
	db, fwd, bwd           []float32
}

func newConvStep(t testing.TB, g ConvGeom, algo ConvAlgo, seed uint64) *convStep {
	if err := g.Init(); err != nil {
		t.Fatal(err)
	}
	r := newRand(seed)
	s := &convStep{g: g, algo: algo}
	s.x, _ = randVec(r, g.InLen())
	s.w, _ = randVec(r, g.WeightLen())
	s.b, _ = randVec(r, g.K)
	s.dy, _ = randVec(r, g.OutLen())
	s.y, s.dx = garbage(g.OutLen()), garbage(g.InLen())
	s.dw, s.db = garbage(g.WeightLen()), garbage(g.K)
	fwd, bwd := g.Workspace(algo)
	s.fwd, s.bwd = garbage(fwd), garbage(bwd)
	return s
}

func (s *convStep) run() {
	ConvForwardAlgo(s.g, s.algo, s.x, s.w, s.b, s.y, s.fwd, true)
	ConvBackwardDataAlgo(s.g, s.algo, s.w, s.dy, s.dx, s.bwd, false)
	ConvBackwardFilterAlgo(s.g, s.algo, s.x, s.dy, s.dw, s.db, s.bwd)
}

func (s *convStep) outputs() [][]float32 { return [][]float32{s.y, s.dx, s.dw, s.db} }

// stepDw is the weight gradient's index in convStep.outputs.
const stepDw = 2

func TestConvAlgoNoAllocs(t *testing.T) {
	defer SetThreads(Threads())
	SetThreads(2)
	for _, g := range algoStepShapes {
		for _, algo := range allAlgos {
			if !g.Supports(algo) {
				continue
			}
			s := newConvStep(t, g, algo, 1)
			if a := testing.AllocsPerRun(3, s.run); a != 0 {
				t.Errorf("%v on %+v: %v allocations per step, want 0", algo, s.g, a)
			}
		}
	}
}

// TestConvAlgoDeterministic: the same inputs give the same bits on every
// run for a given thread count (kernel pool and GEMM alike), and for 1, 2 or
// 3 threads alike except the weight gradient, whose per-thread partial sums
// (filterTask) follow the thread count: it must match the float64
// reference for each.
func TestConvAlgoDeterministic(t *testing.T) {
	defer SetThreads(Threads())
	defer gemm.SetThreads(gemm.Threads())
	for _, g := range algoStepShapes {
		for _, algo := range allAlgos {
			if !g.Supports(algo) {
				continue
			}
			var ref [][]float32
			dwRef := map[int][]float32{}
			var wantDw []float64
			chunked := chunkedPasses.Load()
			for _, threads := range []int{2, 2, 1, 3, 1, 3} {
				SetThreads(threads)
				gemm.SetThreads(threads)
				s := newConvStep(t, g, algo, 2)
				s.run()
				if wantDw == nil {
					wantDw = convStepFilterRef(s)
				}
				name := fmt.Sprintf("%v on %+v, %d threads", algo, s.g, threads)
				if prev, ok := dwRef[threads]; ok {
					sameBits(t, name+", dw", s.dw, prev)
				} else {
					dwRef[threads] = s.dw
					expect(t, algo.String()+" backward filter", name+", dw", s.dw, wantDw, algoTol)
				}
				if ref == nil {
					ref = s.outputs()
					continue
				}
				for i, out := range s.outputs() {
					if i == stepDw {
						continue
					}
					sameBits(t, fmt.Sprintf("%s, output %d", name, i), out, ref[i])
				}
			}
			manyChunks := g.N >= 12 && (algo == ConvGEMM || algo == ConvPointwise || algo == ConvWinograd)
			if manyChunks && chunkedPasses.Load() == chunked {
				t.Errorf("%v on %+v: no pass ran a run of chunks per thread", algo, g)
			}
		}
	}
}

// convStepFilterRef is s's weight gradient in float64.
func convStepFilterRef(s *convStep) []float64 {
	dw, _ := convFilterRef(s.g, to64(s.x), to64(s.dy))
	return dw
}

// TestConvAlgoConcurrent: two nets' convs running at once (two goroutines) share the
// worker pool and the per-thread conv slots; whichever finds them taken runs without
// them, and both must still give the bits of a run alone.
func TestConvAlgoConcurrent(t *testing.T) {
	defer SetThreads(Threads())
	SetThreads(2)
	shapes := []struct {
		g    ConvGeom
		algo ConvAlgo
	}{
		{cgeom(16, 32, 12, 12, 32, 3, 3, 1, 1, 1, 1), ConvWinograd},
		{cgeom(16, 16, 24, 24, 16, 3, 3, 1, 1, 1, 1), ConvGEMM},
	}
	var want [2][][]float32
	for i, sh := range shapes {
		s := newConvStep(t, sh.g, sh.algo, 4)
		s.run()
		want[i] = s.outputs()
	}
	// With the slots taken (as by another goroutine's pass), every chunk of the
	// conv's own split must still be computed.
	slotsMu.Lock()
	for i, sh := range shapes {
		s := newConvStep(t, sh.g, sh.algo, 4)
		s.run()
		for k, out := range s.outputs() {
			sameBits(t, fmt.Sprintf("%v with the slots taken, output %d", sh.algo, k), out, want[i][k])
		}
	}
	slotsMu.Unlock()
	var wg sync.WaitGroup
	var got [2][][][]float32
	for i, sh := range shapes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 4 {
				s := newConvStep(t, sh.g, sh.algo, 4)
				s.run()
				got[i] = append(got[i], s.outputs())
			}
		}()
	}
	wg.Wait()
	for i := range shapes {
		for r, outs := range got[i] {
			for k, out := range outs {
				sameBits(t, fmt.Sprintf("%v, round %d, output %d", shapes[i].algo, r, k), out, want[i][k])
			}
		}
	}
}
