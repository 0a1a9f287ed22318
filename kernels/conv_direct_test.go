package kernels

import (
	"fmt"
	"math"
	"testing"
)

// directCases cover the kernel's edges: rows of 1 to 3 segments with
// ragged last ones, an odd segment count (a call with one segment), 1 to 3
// channel blocks with ragged last ones, sample strides of channel views.
var directCases = []ConvGeom{
	cgeom(3, 1, 28, 28, 6, 5, 5, 1, 0, 1, 1),
	cgeom(2, 6, 12, 12, 16, 5, 5, 1, 0, 1, 1),
	cgeom(2, 3, 9, 40, 11, 3, 4, 1, 0, 1, 1),
	cgeom(3, 2, 5, 5, 17, 3, 2, 1, 0, 1, 1),
	cgeom(1, 2, 4, 19, 9, 2, 3, 1, 0, 1, 1),
	cgeom(2, 40, 6, 6, 3, 5, 5, 1, 0, 1, 1), // 1000 taps, near directMaxTaps
	// Rows whose 16-wide segments waste no more lanes than halves would:
	// the full-segment kernel.
	cgeom(2, 2, 6, 20, 5, 3, 5, 1, 0, 1, 1), // rows of 16
	cgeom(3, 3, 5, 32, 9, 2, 3, 1, 0, 1, 1), // rows of 30: two segments, the second ragged
	cgeom(1, 1, 4, 15, 2, 2, 3, 1, 0, 1, 1), // rows of 13, an odd segment count
	cgeom(2, 2, 5, 12, 8, 2, 3, 1, 0, 1, 1), // 8 channels, rows of 10: the last store of a sample is masked
}

// TestDirectHalves pins which rows take the half-segment kernel.
func TestDirectHalves(t *testing.T) {
	for ow, want := range map[int]bool{1: true, 4: true, 8: true, 9: false, 13: false, 16: false, 17: true, 24: true, 30: false, 32: false, 37: true} {
		if got := directHalves(ow); got != want {
			t.Errorf("directHalves(%d) = %v, want %v", ow, got, want)
		}
	}
}

// TestConvDirectKernel compares the kernel and its Go statement (directRef)
// with the float64 convolution, with bias and ReLU, on strided views.
func TestConvDirectKernel(t *testing.T) {
	for ci, g := range directCases {
		g.XStride, g.YStride = g.C*g.H*g.W+5, g.K*(g.H-g.KH+1)*(g.W-g.KW+1)+3
		if err := g.Init(); err != nil {
			t.Fatal(err)
		}
		dense := g
		dense.XStride, dense.YStride = 0, 0
		r := newRand(uint64(900 + ci))
		x, x64 := randVec(r, g.InSpan())
		w, w64 := randVec(r, g.WeightLen())
		b, b64 := randVec(r, g.K)
		want := convRef(dense, denseOf(x64, g.N, g.C*g.H*g.W, g.XStride), w64, b64)
		for _, relu := range []bool{false, true} {
			wantR := want
			if relu {
				wantR = relu64(want)
			}
			name := fmt.Sprintf("case %d relu=%v %+v", ci, relu, g)
			y := garbage(g.OutSpan())
			directRef(g, x, w, b, y, relu)
			expect(t, "direct reference", name, denseOf32(y, g.N, g.K*g.OH*g.OW, g.YStride), wantR, algoTol)
			var prev []float32
			for _, isa := range directISAs() {
				isa.set()
				fwd, _ := g.Workspace(ConvDirect)
				y := garbage(g.OutSpan())
				ConvForwardAlgo(g, ConvDirect, x, w, b, y, garbage(fwd), relu)
				isa.restore()
				expect(t, "direct kernel "+isa.name, name, denseOf32(y, g.N, g.K*g.OH*g.OW, g.YStride), wantR, algoTol)
				checkGaps(t, name+" "+isa.name, y, g.N, g.K*g.OH*g.OW, g.YStride)
				// Every kernel is bias then the taps' FMAs in order: the same bits.
				if prev != nil {
					sameBits(t, name+" "+isa.name+" against the previous kernel", y, prev)
				}
				prev = y
			}
		}
		// The weight gradient, from strided x and dy.
		dy, dy64 := randVec(r, g.OutSpan())
		wantDw, wantDb := convFilterRef(dense, denseOf(x64, g.N, g.C*g.H*g.W, g.XStride), denseOf(dy64, g.N, g.K*g.OH*g.OW, g.YStride))
		_, bwd := g.Workspace(ConvDirect)
		for _, isa := range directISAs() {
			isa.set()
			dw, db := garbage(g.WeightLen()), garbage(g.K)
			ConvBackwardFilterAlgo(g, ConvDirect, x, dy, dw, db, garbage(bwd))
			isa.restore()
			expect(t, "direct weight gradient "+isa.name, fmt.Sprintf("case %d %+v", ci, g), dw, wantDw, algoTol)
			expect(t, "direct bias gradient "+isa.name, fmt.Sprintf("case %d %+v", ci, g), db, wantDb, 1e-6)
		}

		// The input gradient (ConvGEMM's), into strided dx, set and
		// accumulated.
		wantDx := convDataRef(dense, w64, denseOf(dy64, g.N, g.K*g.OH*g.OW, g.YStride))
		dx := garbage(g.InSpan())
		ConvBackwardDataAlgo(g, ConvDirect, w, dy, dx, garbage(bwd), false)
		expect(t, "direct input gradient", fmt.Sprintf("case %d %+v", ci, g), denseOf32(dx, g.N, g.C*g.H*g.W, g.XStride), wantDx, algoTol)
		checkGaps(t, fmt.Sprintf("case %d dx", ci), dx, g.N, g.C*g.H*g.W, g.XStride)
		ConvBackwardDataAlgo(g, ConvDirect, w, dy, dx, garbage(bwd), true)
		twice := make([]float64, len(wantDx))
		for i, v := range wantDx {
			twice[i] = 2 * v
		}
		expect(t, "direct input gradient", fmt.Sprintf("case %d accumulated %+v", ci, g), denseOf32(dx, g.N, g.C*g.H*g.W, g.XStride), twice, algoTol)
	}
}

// directISA is one forward kernel of ConvDirect that this CPU runs.
type directISA struct {
	name         string
	avx512, avx2 bool
	saved        [2]bool
}

// directISAs lists the kernels this CPU can run: AVX-512 (which takes
// precedence) and AVX2 (run with AVX-512 switched off).
func directISAs() []*directISA {
	var out []*directISA
	if haveDirectAVX512 {
		out = append(out, &directISA{name: "avx512", avx512: true, avx2: haveDirectAVX2})
	}
	if haveDirectAVX2 {
		out = append(out, &directISA{name: "avx2", avx2: true})
	}
	return out
}

func (d *directISA) set() {
	d.saved = [2]bool{haveDirectAVX512, haveDirectAVX2}
	haveDirectAVX512, haveDirectAVX2 = d.avx512, d.avx2
}

func (d *directISA) restore() { haveDirectAVX512, haveDirectAVX2 = d.saved[0], d.saved[1] }

func denseOf(v []float64, n, per, stride int) []float64 {
	out := make([]float64, 0, n*per)
	for i := 0; i < n; i++ {
		out = append(out, v[i*stride:i*stride+per]...)
	}
	return out
}

func denseOf32(v []float32, n, per, stride int) []float32 {
	out := make([]float32, 0, n*per)
	for i := 0; i < n; i++ {
		out = append(out, v[i*stride:i*stride+per]...)
	}
	return out
}

// checkGaps: the elements between strided samples keep garbage's NaN (the
// masked stores write nothing past a row's segment).
func checkGaps(t *testing.T, name string, y []float32, n, per, stride int) {
	t.Helper()
	for i := 0; i+1 < n; i++ {
		for j := i*stride + per; j < (i+1)*stride; j++ {
			if !math.IsNaN(float64(y[j])) {
				t.Fatalf("%s: wrote %v between samples at %d", name, y[j], j)
			}
		}
	}
}

// TestConvDirectReLUKeepsNaN: the fused ReLU keeps NaN and clamps -Inf,
// like reluOutput and the GEMM epilogue.
func TestConvDirectReLUKeepsNaN(t *testing.T) {
	for _, isa := range directISAs() {
		for _, w := range []int{20, 17, 9} { // rows of 19 (halves; AVX2: a partial segment), 16 and 8 (full segments)
			g := cgeom(1, 1, 5, w, 2, 1, 2, 1, 0, 1, 1)
			if err := g.Init(); err != nil {
				t.Fatal(err)
			}
			x := make([]float32, g.InLen())
			x[3] = float32(math.NaN())
			x[w/2] = float32(math.Inf(-1))
			fwd, _ := g.Workspace(ConvDirect)
			y := garbage(g.OutLen())
			isa.set()
			ConvForwardAlgo(g, ConvDirect, x, []float32{1, 1, 1, 1}, nil, y, garbage(fwd), true)
			isa.restore()
			for k := 0; k < g.K; k++ {
				for i := 0; i < g.OH*g.OW; i++ {
					v := y[k*g.OH*g.OW+i]
					nan := i == 2 || i == 3 // outputs (0,2) and (0,3) read x[3]
					if nan != math.IsNaN(float64(v)) || !nan && v != 0 {
						t.Errorf("%s width %d: channel %d output %d = %v, want NaN=%v else 0", isa.name, w, k, i, v, nan)
					}
				}
			}
		}
	}
}

// TestConvDirectFallback: without AVX-512, ConvDirect's three passes are
// ConvGEMM's, bit for bit, in ConvDirect's workspaces.
func TestConvDirectFallback(t *testing.T) {
	have := haveDirectAVX512
	defer func() { haveDirectAVX512 = have }()
	have2 := haveDirectAVX2
	haveDirectAVX2 = false
	defer func() { haveDirectAVX2 = have2 }()
	for ci, g := range directCases {
		if err := g.Init(); err != nil {
			t.Fatal(err)
		}
		r := newRand(uint64(950 + ci))
		x, _ := randVec(r, g.InLen())
		w, _ := randVec(r, g.WeightLen())
		b, _ := randVec(r, g.K)
		fg, _ := g.Workspace(ConvGEMM)
		want := garbage(g.OutLen())
		ConvForwardAlgo(g, ConvGEMM, x, w, b, want, garbage(fg), true)
		haveDirectAVX512 = false
		fd, _ := g.Workspace(ConvDirect)
		got := garbage(g.OutLen())
		ConvForwardAlgo(g, ConvDirect, x, w, b, got, garbage(fd), true)
		haveDirectAVX512 = have
		sameBits(t, fmt.Sprintf("case %d fallback", ci), got, want)

		dy, _ := randVec(r, g.OutLen())
		_, bg := g.Workspace(ConvGEMM)
		wantDw := garbage(g.WeightLen())
		ConvBackwardFilterAlgo(g, ConvGEMM, x, dy, wantDw, nil, garbage(bg))
		haveDirectAVX512 = false
		_, bd := g.Workspace(ConvDirect)
		dw := garbage(g.WeightLen())
		ConvBackwardFilterAlgo(g, ConvDirect, x, dy, dw, nil, garbage(bd))
		haveDirectAVX512 = have
		sameBits(t, fmt.Sprintf("case %d fallback weight gradient", ci), dw, wantDw)

		wantDx := garbage(g.InLen())
		ConvBackwardDataAlgo(g, ConvGEMM, w, dy, wantDx, garbage(bg), false)
		haveDirectAVX512 = false
		dx := garbage(g.InLen())
		ConvBackwardDataAlgo(g, ConvDirect, w, dy, dx, garbage(bd), false)
		haveDirectAVX512 = have
		sameBits(t, fmt.Sprintf("case %d fallback input gradient", ci), dx, wantDx)
	}
}
