package kernels

import (
	"math"
	"testing"
)

func TestActivations(t *testing.T) {
	type act struct {
		name string
		ref  func(float64) float64
		fwd  func(x, y []float32)
		bwd  func(y, dy, dx []float32, acc bool)
	}
	for _, a := range []act{
		{"relu", func(v float64) float64 { return math.Max(v, 0) }, ReLUForward, ReLUBackward},
		{"relu6", func(v float64) float64 { return math.Min(math.Max(v, 0), 6) }, ReLU6Forward, ReLU6Backward},
		{"sigmoid", func(v float64) float64 { return 1 / (1 + math.Exp(-v)) }, SigmoidForward, SigmoidBackward},
		{"tanh", math.Tanh, TanhForward, TanhBackward},
	} {
		r := newRand(600)
		// Span [-8, 8] to reach both ReLU6 plateaus and sigmoid/tanh tails,
		// staying clear of the kinks at 0 and 6.
		const n = 257
		x := make([]float32, n)
		for i := range x {
			for {
				v := float32(16*r.Float64() - 8)
				if math.Abs(float64(v)) > 1e-3 && math.Abs(float64(v)-6) > 1e-3 {
					x[i] = v
					break
				}
			}
		}
		x64 := to64(x)
		dy, r64 := randVec(r, n)
		f := func() []float64 {
			y := make([]float64, n)
			for i, v := range x64 {
				y[i] = a.ref(v)
			}
			return y
		}
		y := garbage(n)
		a.fwd(x, y)
		expect(t, a.name+" forward", a.name, y, f(), 1e-6)
		checkAccumulate(t, a.name+" backward", a.name+" dx", n, fdGrad(x64, r64, f), 1e-5, func(dx []float32, acc bool) {
			a.bwd(y, dy, dx, acc)
		})
		// In place: forward over x itself, backward over dy itself.
		xx := append([]float32(nil), x...)
		a.fwd(xx, xx)
		expect(t, a.name+" forward", a.name+" in place", xx, f(), 1e-6)
		dd := append([]float32(nil), dy...)
		a.bwd(y, dd, dd, false)
		expect(t, a.name+" backward", a.name+" in place dx", dd, fdGrad(x64, r64, f), 1e-5)
	}
}
