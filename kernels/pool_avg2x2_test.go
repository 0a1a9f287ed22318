package kernels

import (
	"fmt"
	"math"
	"testing"
)

// TestAvg2x2Kernel: the 2x2 stride-2 kernel against the float64 mean of
// each window, and bit for bit against the scalar plane loop, on widths
// around its 16-output chunks, odd input sizes (a last row or column no
// window reads), sample strides, and signed zeros, NaN and infinities.
func TestAvg2x2Kernel(t *testing.T) {
	have, have2 := haveAvg2x2AVX512, haveAvg2x2AVX2
	defer func() { haveAvg2x2AVX512, haveAvg2x2AVX2 = have, have2 }()
	// Each kernel the CPU runs: AVX-512 (taking precedence), then AVX2 alone.
	type isa struct {
		name         string
		avx512, avx2 bool
	}
	var isas []isa
	if have {
		isas = append(isas, isa{"avx512", true, have2})
	}
	if have2 {
		isas = append(isas, isa{"avx2", false, true})
	}
	for _, k := range isas {
		for _, ow := range []int{1, 4, 7, 8, 12, 15, 16, 17, 20, 31, 32, 33, 40} {
			for _, extra := range []int{0, 1} {
				haveAvg2x2AVX512, haveAvg2x2AVX2 = k.avx512, k.avx2
				g := PoolGeom{N: 3, C: 2, H: 6 + extra, W: 2*ow + extra, KH: 2, KW: 2, SH: 2, SW: 2}
				g.XStride = g.C*g.H*g.W + 3
				if err := g.Init(); err != nil {
					t.Fatal(err)
				}
				g.YStride = g.C*g.OH*g.OW + 2
				name := fmt.Sprintf("%s %dx%d -> %dx%d", k.name, g.H, g.W, g.OH, g.OW)
				if !g.avg2x2Fast() && (k.avx512 || g.OW%4 == 0) {
					t.Fatalf("%s: not taken by the kernel", name)
				}
				r := newRand(uint64(31 + ow*2 + extra))
				x, x64 := randVec(r, g.InSpan())
				x[0], x[1], x[g.W], x[g.W+1] = float32(math.Copysign(0, -1)), float32(math.Copysign(0, -1)), float32(math.Copysign(0, -1)), float32(math.Copysign(0, -1))
				x64[0], x64[1], x64[g.W], x64[g.W+1] = 0, 0, 0, 0
				last := g.XStride + g.W + 2*(g.OW-1) // sample 1, output row 0, last window
				x[last] = float32(math.NaN())
				x[last-2] = float32(math.Inf(1)) // the window before: +Inf
				want := make([]float64, 0, g.N*g.C*g.OH*g.OW)
				for n := 0; n < g.N; n++ {
					for c := 0; c < g.C; c++ {
						p := x64[n*g.XStride+c*g.H*g.W:]
						for oh := 0; oh < g.OH; oh++ {
							for j := 0; j < g.OW; j++ {
								i := 2*oh*g.W + 2*j
								want = append(want, (p[i]+p[i+1]+p[i+g.W]+p[i+g.W+1])/4)
							}
						}
					}
				}
				got := garbage(g.OutSpan())
				AvgPoolForward(g, x, got)
				haveAvg2x2AVX512, haveAvg2x2AVX2 = false, false
				ref := garbage(g.OutSpan())
				AvgPoolForward(g, x, ref)
				sameBits(t, name+" against the scalar loop", got, ref)
				dense := denseOf32(got, g.N, g.C*g.OH*g.OW, g.YStride)
				if v := dense[0]; math.Float32bits(v) != 0 {
					t.Errorf("%s: four -0 average to %v (bits %#x), want +0 as 0 + each term", name, v, math.Float32bits(v))
				}
				nan := g.C*g.OH*g.OW + g.OW - 1
				if !math.IsNaN(float64(dense[nan])) {
					t.Errorf("%s: NaN window gave %v", name, dense[nan])
				}
				if g.OW > 1 && !math.IsInf(float64(dense[nan-1]), 1) {
					t.Errorf("%s: +Inf window gave %v", name, dense[nan-1])
				}
				dense[nan] = 0
				want[nan] = 0
				if g.OW > 1 {
					dense[nan-1], want[nan-1] = 0, 0
				}
				expect(t, "avgpool 2x2", name, dense, want, 1e-6)
				checkGaps(t, name, got, g.N, g.C*g.OH*g.OW, g.YStride)
			}
		}
	}
}

// TestAvg2x2BackwardSpecialValues holds the 2x2 stride-2 backward paths
// (the AVX-512 kernel when the windows tile the plane, the Go loop
// otherwise) to the per-window scan on LeNet's shapes, a wide plane, and odd planes whose last row and
// column no window covers, with dy holding both zeros, subnormals (where
// dy/4 rounds) and infinities.
func TestAvg2x2BackwardSpecialValues(t *testing.T) {
	r := newRand(1601)
	special := []float32{0, float32(math.Copysign(0, -1)), math.SmallestNonzeroFloat32, -3 * math.SmallestNonzeroFloat32,
		1.5e-38, float32(math.Inf(1)), float32(math.Inf(-1)), math.MaxFloat32}
	for _, g := range []PoolGeom{
		{N: 3, C: 6, H: 28, W: 28, KH: 2, KW: 2, SH: 2, SW: 2},
		{N: 3, C: 16, H: 10, W: 10, KH: 2, KW: 2, SH: 2, SW: 2},
		{N: 2, C: 3, H: 7, W: 9, KH: 2, KW: 2, SH: 2, SW: 2},
		{N: 2, C: 2, H: 4, W: 70, KH: 2, KW: 2, SH: 2, SW: 2}, // two whole 16-output chunks and a tail per row
	} {
		if err := g.Init(); err != nil {
			t.Fatal(err)
		}
		if !g.avg2x2BackwardFast() {
			t.Fatalf("%+v does not take the 2x2 backward path", g)
		}
		x, _ := randVec(r, g.InLen())
		dy, _ := randVec(r, g.OutLen())
		for i := range dy {
			if i%3 == 0 {
				dy[i] = special[r.IntN(len(special))]
			}
		}
		for _, acc := range []bool{false, true} {
			base, _ := randVec(r, g.InLen())
			want := append([]float32(nil), base...)
			poolScanRef(g, true, x, dy, want, acc)
			got := append([]float32(nil), base...)
			if !acc {
				got = garbage(g.InLen())
			}
			AvgPoolBackward(g, dy, got, acc)
			if i := samebits(got, want); i >= 0 {
				t.Fatalf("%+v acc=%v: dx[%d] = %v (bits %08x), scan gives %v (bits %08x)", g, acc, i,
					got[i], math.Float32bits(got[i]), want[i], math.Float32bits(want[i]))
			}
		}
	}
}
