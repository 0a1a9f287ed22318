package kernels

import (
	"math"
	"testing"
)

// TestSigmoidBackMatchesFormula holds sigmoidBackSpan (vector loop plus Go
// tail) bit for bit to dx = (dy*y)*(1-y), rounded to float32 at each step
// as the float32 Go expression is, and then added to dx when accumulating;
// lengths around the 8-wide vector step, random bit patterns (NaNs,
// infinities, subnormals) and sigmoid-range values.
func TestSigmoidBackMatchesFormula(t *testing.T) {
	r := newRand(1602)
	for _, n := range []int{1, 7, 8, 9, 16, 31, 1000, 4099} {
		y, dy := make([]float32, n), make([]float32, n)
		for i := range y {
			if i%2 == 0 {
				y[i], dy[i] = math.Float32frombits(r.Uint32()), math.Float32frombits(r.Uint32())
			} else {
				y[i], dy[i] = r.Float32(), r.Float32()*2-1
			}
		}
		for _, acc := range []bool{false, true} {
			base, _ := randVec(r, n)
			want := make([]float32, n)
			for i := range want {
				g := float32(float64(dy[i]) * float64(y[i])) // each product rounded to float32
				g = float32(float64(g) * float64(float32(1-float64(y[i]))))
				if acc {
					g = float32(float64(base[i]) + float64(g))
				}
				want[i] = g
			}
			got := append([]float32(nil), base...)
			sigmoidBackSpan(y, dy, got, acc)
			for i := range got {
				if math.Float32bits(got[i]) != math.Float32bits(want[i]) && !(got[i] != got[i] && want[i] != want[i]) {
					t.Fatalf("n=%d acc=%v: dx[%d] = %v for y %v dy %v, formula gives %v", n, acc, i, got[i], y[i], dy[i], want[i])
				}
			}
		}
	}
}
