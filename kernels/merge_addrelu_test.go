package kernels

import (
	"math"
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
