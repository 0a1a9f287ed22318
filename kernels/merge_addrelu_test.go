package kernels

import (
	"math"
	"slices"
	"testing"
)

// TestAddReLU checks the fused residual add and ReLU against max(a+b, 0) worked out in
// float64, on strided views (a channel slice of a wider tensor) large enough to be split
// over the threads, in place (y = a) as the conv step calls it; NaN stays NaN.
func TestAddReLU(t *testing.T) {
	r := newRand(801)
	const n, l, stride = 3, 3 * eltGrain, 3*eltGrain + 5
	a, a64 := randVec(r, n*stride)
	b, b64 := randVec(r, n*l)
	a[7] = float32(math.NaN())
	want := make([]float64, n*l)
	for s := 0; s < n; s++ {
		for i := 0; i < l; i++ {
			want[s*l+i] = math.Max(a64[s*stride+i]+b64[s*l+i], 0)
		}
	}
	want[7] = math.NaN()
	av := View{Data: a, N: n, Len: l, Stride: stride}
	AddReLUForwardView(av, View{Data: b, N: n, Len: l}, av)
	got := make([]float32, n*l)
	for s := 0; s < n; s++ {
		copy(got[s*l:], a[s*stride:s*stride+l])
	}
	if !math.IsNaN(float64(got[7])) {
		t.Fatalf("add+relu: NaN input gave %v", got[7])
	}
	got[7], want[7] = 0, 0
	expect(t, "add+relu forward", "y", got, want, 1e-7)
}

// TestAddReLUBackwardMatchesUnfused holds the one-pass backward of add+relu to the steps it
// replaces, bit for bit: the ReLU's backward into the sum's gradient, then one add
// backward per input. Strided and dense views, every accumulate pair, the first input's
// gradient in dy's own storage (an add done in place), sizes split over the threads, and
// y at 0, -0, +inf and NaN.
func TestAddReLUBackwardMatchesUnfused(t *testing.T) {
	r := newRand(802)
	const n, l = 3, 3*eltGrain + 7
	for _, stride := range []int{0, l + 5} {
		span := n * max(stride, l)
		view := func(d []float32) View { return View{Data: d, N: n, Len: l, Stride: stride} }
		y, _ := randVec(r, span)
		dy, _ := randVec(r, span)
		y[0], y[1], y[2], y[3] = 0, float32(math.Copysign(0, -1)), float32(math.Inf(1)), float32(math.NaN())
		for _, inPlace := range []bool{false, true} {
			for _, acc := range [][2]bool{{false, false}, {true, false}, {false, true}, {true, true}} {
				if inPlace && acc[0] {
					continue // a gradient transformed in place is never a second contribution
				}
				da0, _ := randVec(r, span)
				db0, _ := randVec(r, span)
				// Unfused: g = dy*[y > 0], then da (+)= g and db (+)= g.
				wantDA, wantDB := slices.Clone(da0), slices.Clone(db0)
				g := make([]float32, span)
				ReLUBackwardView(view(y), view(dy), view(g), false)
				if inPlace {
					wantDA = g
				} else {
					AddBackwardView(view(g), view(wantDA), acc[0])
				}
				AddBackwardView(view(g), view(wantDB), acc[1])
				// Fused.
				gotDY, gotDA, gotDB := slices.Clone(dy), slices.Clone(da0), slices.Clone(db0)
				if inPlace {
					gotDA = gotDY
				}
				AddReLUBackwardView(view(y), view(gotDY), view(gotDA), view(gotDB), acc[0], acc[1])
				for s := 0; s < n; s++ {
					for i := 0; i < l; i++ {
						k := s*max(stride, l) + i
						if math.Float32bits(gotDA[k]) != math.Float32bits(wantDA[k]) || math.Float32bits(gotDB[k]) != math.Float32bits(wantDB[k]) {
							t.Fatalf("stride %d in place %v acc %v: element %d: da %v db %v, unfused %v %v",
								stride, inPlace, acc, k, gotDA[k], gotDB[k], wantDA[k], wantDB[k])
						}
					}
				}
			}
		}
	}
}
