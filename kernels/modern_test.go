package kernels

import (
	"math"
	"testing"
)

// Each kernel of the ops that came after the book against a float64 reference written
// from its definition (PyTorch's formula), forward; backward against central finite
// differences of that reference.

type act64 struct {
	name string
	f    func(x float64) float64
	fwd  func(x, y View)
	bwd  func(x, dy, dx View, acc bool)
}

func TestModernActivations(t *testing.T) {
	phi := func(x float64) float64 { return 0.5 * (1 + math.Erf(x/math.Sqrt2)) }
	hs := func(x float64) float64 { return x * math.Min(math.Max(x+3, 0), 6) / 6 }
	for _, a := range []act64{
		{"silu", func(x float64) float64 { return x / (1 + math.Exp(-x)) }, SiLUForwardView, SiLUBackwardView},
		{"gelu", func(x float64) float64 { return x * phi(x) }, GELUForwardView, GELUBackwardView},
		{"hardswish", hs, HardSwishForwardView, HardSwishBackwardView},
		{"hardsigmoid", func(x float64) float64 { return math.Min(math.Max(x+3, 0), 6) / 6 }, HardSigmoidForwardView, HardSigmoidBackwardView},
		{"leaky_relu", func(x float64) float64 {
			if x > 0 {
				return x
			}
			return 0.1 * x
		}, func(x, y View) { LeakyReLUForwardView(0.1, x, y) }, func(x, dy, dx View, acc bool) { LeakyReLUBackwardView(0.1, x, dy, dx, acc) }},
	} {
		t.Run(a.name, func(t *testing.T) {
			r := newRand(3)
			// Values over [-5, 5), kept away from the kinks at -3, 0 and 3 by more than the
			// finite-difference step, on a strided view of 3 samples.
			n, l, stride := 3, 40, 47
			x := make([]float32, (n-1)*stride+l)
			for i := range x {
				v := 10*r.Float64() - 5
				for _, k := range []float64{-3, 0, 3} {
					if math.Abs(v-k) < 1e-3 {
						v += 2e-3
					}
				}
				x[i] = float32(v)
			}
			xv := View{Data: x, N: n, Len: l, Stride: stride}
			y := garbage(n * l)
			a.fwd(xv, View{Data: y, N: n, Len: l})
			want := make([]float64, n*l)
			for s := 0; s < n; s++ {
				for i, v := range xv.Sample(s) {
					want[s*l+i] = a.f(float64(v))
				}
			}
			expect(t, "modern act forward", a.name, y, want, 1e-6)

			dy, dy64 := randVec(r, n*l)
			grad := make([]float64, n*l)
			for s := 0; s < n; s++ {
				for i, v := range xv.Sample(s) {
					x64 := float64(v)
					grad[s*l+i] = dy64[s*l+i] * (a.f(x64+1e-6) - a.f(x64-1e-6)) / 2e-6
				}
			}
			checkAccumulate(t, "modern act backward", a.name, n*l, grad, 1e-5, func(dx []float32, acc bool) {
				a.bwd(xv, View{Data: dy, N: n, Len: l}, View{Data: dx, N: n, Len: l}, acc)
			})
		})
	}
}

// PyTorch's gradients at the joins of the piecewise activations (hardswish_backward,
// hardsigmoid_backward and leaky_relu_backward in ATen): worked by hand from those
// definitions.
func TestModernActivationJoins(t *testing.T) {
	x := []float32{-3, 3, 0}
	cases := []struct {
		name string
		bwd  func(x, dy, dx View, acc bool)
		want []float64
	}{
		{"hardswish", HardSwishBackwardView, []float64{-0.5, 1.5, 0.5}},
		{"hardsigmoid", HardSigmoidBackwardView, []float64{0, 0, 1.0 / 6}},
		{"leaky_relu", func(x, dy, dx View, acc bool) { LeakyReLUBackwardView(0.25, x, dy, dx, acc) }, []float64{0.25, 1, 0.25}},
	}
	for _, c := range cases {
		dx := garbage(3)
		c.bwd(View{Data: x, N: 1, Len: 3}, View{Data: []float32{1, 1, 1}, N: 1, Len: 3}, View{Data: dx, N: 1, Len: 3}, false)
		expect(t, "joins", c.name, dx, c.want, 1e-7)
	}
}

func TestLayerNorm(t *testing.T) {
	for _, hw := range []int{1, 6} {
		r := newRand(uint64(hw))
		n, c := 2, 5
		g := LayerNormGeom{C: c, HW: hw, Eps: 1e-6}
		x, x64 := randVec(r, n*c*hw)
		w, w64 := randVec(r, c)
		b, b64 := randVec(r, c)
		ref := func() []float64 {
			out := make([]float64, n*c*hw)
			for s := 0; s < n; s++ {
				for p := 0; p < hw; p++ {
					var m, v float64
					for ch := 0; ch < c; ch++ {
						m += x64[s*c*hw+ch*hw+p]
					}
					m /= float64(c)
					for ch := 0; ch < c; ch++ {
						d := x64[s*c*hw+ch*hw+p] - m
						v += d * d
					}
					v /= float64(c)
					for ch := 0; ch < c; ch++ {
						i := s*c*hw + ch*hw + p
						out[i] = (x64[i]-m)/math.Sqrt(v+1e-6)*w64[ch] + b64[ch]
					}
				}
			}
			return out
		}
		y := garbage(n * c * hw)
		mean, rstd := make([]float32, n*hw), make([]float32, n*hw)
		LayerNormForward(g, View{Data: x, N: n, Len: c * hw}, View{Data: y, N: n, Len: c * hw}, w, b, mean, rstd)
		expect(t, "layernorm", "forward", y, ref(), 1e-6)

		dy, dy64 := randVec(r, n*c*hw)
		wantDX := fdGrad(x64, dy64, ref)
		wantDW := fdGrad(w64, dy64, ref)
		wantDB := fdGrad(b64, dy64, ref)
		dw, db := garbage(c), garbage(c)
		checkAccumulate(t, "layernorm", "dx", n*c*hw, wantDX, 1e-4, func(dx []float32, acc bool) {
			LayerNormBackward(g, View{Data: x, N: n, Len: c * hw}, View{Data: dy, N: n, Len: c * hw}, w, mean, rstd, View{Data: dx, N: n, Len: c * hw}, acc, dw, db)
		})
		expect(t, "layernorm", "dweight", dw, wantDW, 1e-4)
		expect(t, "layernorm", "dbias", db, wantDB, 1e-4)
	}
}

func TestScale(t *testing.T) {
	r := newRand(5)
	n, c, hw := 2, 3, 4
	x, x64 := randVec(r, n*c*hw)
	w, w64 := randVec(r, c)
	ref := func() []float64 {
		out := make([]float64, n*c*hw)
		for i := range out {
			out[i] = x64[i] * w64[(i/hw)%c]
		}
		return out
	}
	y := garbage(n * c * hw)
	ScaleForward(c, hw, View{Data: x, N: n, Len: c * hw}, View{Data: y, N: n, Len: c * hw}, w)
	expect(t, "scale", "forward", y, ref(), 1e-7)
	dy, dy64 := randVec(r, n*c*hw)
	dw := garbage(c)
	checkAccumulate(t, "scale", "dx", n*c*hw, fdGrad(x64, dy64, ref), 1e-5, func(dx []float32, acc bool) {
		ScaleBackward(c, hw, View{Data: x, N: n, Len: c * hw}, View{Data: dy, N: n, Len: c * hw}, w, View{Data: dx, N: n, Len: c * hw}, acc, dw)
	})
	expect(t, "scale", "dweight", dw, fdGrad(w64, dy64, ref), 1e-5)
}

// Mul and add of a full tensor with a per-channel gate, in both argument orders.
func TestBroadcastMerges(t *testing.T) {
	r := newRand(7)
	n, c, hw := 2, 3, 5
	full, full64 := randVec(r, n*c*hw)
	gate, gate64 := randVec(r, n*c)
	dy, dy64 := randVec(r, n*c*hw)
	fv, gv := View{Data: full, N: n, Len: c * hw}, View{Data: gate, N: n, Len: c}
	for _, op := range []string{"mul", "add"} {
		ref := func() []float64 {
			out := make([]float64, n*c*hw)
			for i := range out {
				g := gate64[i/hw]
				if op == "mul" {
					out[i] = full64[i] * g
				} else {
					out[i] = full64[i] + g
				}
			}
			return out
		}
		for _, gateFirst := range []bool{false, true} {
			a, b := fv, gv
			if gateFirst {
				a, b = gv, fv
			}
			y := garbage(n * c * hw)
			if op == "mul" {
				MulForwardView(a, b, View{Data: y, N: n, Len: c * hw}, hw)
			} else {
				AddBroadcastForwardView(a, b, View{Data: y, N: n, Len: c * hw}, hw)
			}
			expect(t, "broadcast", op+" forward", y, ref(), 1e-7)
		}
		dyv := View{Data: dy, N: n, Len: c * hw}
		if op == "mul" {
			checkAccumulate(t, "broadcast", "mul d(full)", n*c*hw, fdGrad(full64, dy64, ref), 1e-5, func(d []float32, acc bool) {
				MulBackwardView(fv, gv, dyv, hw, View{Data: d, N: n, Len: c * hw}, acc, View{}, false)
			})
			checkAccumulate(t, "broadcast", "mul d(gate)", n*c, fdGrad(gate64, dy64, ref), 1e-5, func(d []float32, acc bool) {
				MulBackwardView(fv, gv, dyv, hw, View{}, false, View{Data: d, N: n, Len: c}, acc)
			})
			continue
		}
		checkAccumulate(t, "broadcast", "add d(gate)", n*c, fdGrad(gate64, dy64, ref), 1e-5, func(d []float32, acc bool) {
			AddBroadcastBackwardView(dyv, hw, View{Data: d, N: n, Len: c}, acc)
		})
	}
}

// Channel shuffle of 6 channels in 2 groups takes channels 0 3 1 4 2 5 (worked by hand
// from torch.nn.ChannelShuffle's view-transpose-view); slice [1, 3) of 4 takes 1 and 2.
func TestChannelMoves(t *testing.T) {
	hw := 2
	x := make([]float32, 6*hw)
	for i := range x {
		x[i] = float32(i / hw) // every element holds its channel
	}
	y := garbage(6 * hw)
	ChannelShuffleForward(2, 6, hw, View{Data: x, N: 1, Len: 6 * hw}, View{Data: y, N: 1, Len: 6 * hw})
	expect(t, "channels", "shuffle", y, []float64{0, 0, 3, 3, 1, 1, 4, 4, 2, 2, 5, 5}, 0)
	dx := garbage(6 * hw)
	ChannelShuffleBackward(2, 6, hw, View{Data: y, N: 1, Len: 6 * hw}, View{Data: dx, N: 1, Len: 6 * hw}, false)
	expect(t, "channels", "shuffle backward undoes it", dx, to64(x), 0)

	s := garbage(2 * hw)
	ChannelSliceForward(1, 3, 4, hw, View{Data: x[:4*hw], N: 1, Len: 4 * hw}, View{Data: s, N: 1, Len: 2 * hw})
	expect(t, "channels", "slice", s, []float64{1, 1, 2, 2}, 0)
	g := garbage(4 * hw)
	ChannelSliceBackward(1, 3, 4, hw, View{Data: []float32{5, 6, 7, 8}, N: 1, Len: 2 * hw}, View{Data: g, N: 1, Len: 4 * hw}, false)
	expect(t, "channels", "slice backward", g, []float64{0, 0, 5, 6, 7, 8, 0, 0}, 0)
	ChannelSliceBackward(0, 1, 4, hw, View{Data: []float32{1, 1}, N: 1, Len: hw}, View{Data: g, N: 1, Len: 4 * hw}, true)
	expect(t, "channels", "slice backward accumulates", g, []float64{1, 1, 5, 6, 7, 8, 0, 0}, 0)
}

// Drop path keeps or zeroes whole samples, scaled by 1/(1-p), with dropout's draw rule;
// inactive it is the identity; backward applies the same factors.
func TestDropPath(t *testing.T) {
	n, l := 2000, 3
	x := make([]float32, n*l)
	for i := range x {
		x[i] = 1
	}
	y, mask := garbage(n*l), garbage(n)
	rng := NewRNG(11)
	DropPathForward(0.25, true, rng, View{Data: x, N: n, Len: l}, View{Data: y, N: n, Len: l}, mask)
	check := NewRNG(11)
	kept := 0
	for s := 0; s < n; s++ {
		want := float32(0)
		if check.Float32() >= 0.25 {
			want, kept = 1/(1-0.25), kept+1
		}
		if mask[s] != want || y[s*l] != want || y[s*l+2] != want {
			t.Fatalf("sample %d: mask %v, y %v, want %v", s, mask[s], y[s*l:s*l+l], want)
		}
	}
	if frac := float64(kept) / float64(n); math.Abs(frac-0.75) > 0.03 {
		t.Errorf("kept %.3f of the samples, want 0.75", frac)
	}
	dx := garbage(n * l)
	DropPathBackward(0.25, true, mask, View{Data: x, N: n, Len: l}, View{Data: dx, N: n, Len: l}, false)
	expect(t, "drop_path", "backward", dx, to64(y), 0)

	before := *rng
	DropPathForward(0.25, false, rng, View{Data: x, N: n, Len: l}, View{Data: y, N: n, Len: l}, nil)
	expect(t, "drop_path", "inactive", y, to64(x), 0)
	if *rng != before {
		t.Error("inactive drop path drew from the generator")
	}
}
