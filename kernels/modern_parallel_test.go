package kernels

import (
	"fmt"
	"testing"
)

// TestModernOpsSplitOverThreads runs every kernel of the newer ops (activations,
// broadcasting merges, channel moves, layer norm, scale, drop path), forward and
// backward, on 1, 2 and 3 threads: each must split its work (the shapes are large enough)
// and give bitwise the one-thread results, without allocating. The one-thread results
// themselves are checked against float64 references in modern_test.go.
func TestModernOpsSplitOverThreads(t *testing.T) {
	defer SetThreads(Threads())
	const n, c, hw = 4, 12, 1600
	full := c * hw
	r := newRand(11)
	mk := func(l, stride int) View {
		d, _ := randVec(r, (n-1)*stride+l)
		return View{Data: d, N: n, Len: l, Stride: stride}
	}
	x, x2, dy := mk(full, full+7), mk(full, full), mk(full, full+3)
	gate, dgate := mk(c, c+1), mk(c, c)
	w, _ := randVec(r, c)
	b, _ := randVec(r, c)
	mean, rstd := make([]float32, n*hw), make([]float32, n*hw)
	mask := []float32{0, 2, 2, 0}
	out := func(l int) View { return View{Data: garbage(n * l), N: n, Len: l} }
	ln := LayerNormGeom{C: c, HW: hw, Eps: 1e-6}
	cases := []struct {
		name string
		run  func() [][]float32
	}{
		{"gelu", func() [][]float32 { y := out(full); GELUForwardView(x, y); return [][]float32{y.Data} }},
		{"silu backward", func() [][]float32 {
			dx := out(full)
			SiLUBackwardView(x, dy, dx, false)
			return [][]float32{dx.Data}
		}},
		{"leaky relu", func() [][]float32 {
			y, dx := out(full), out(full)
			LeakyReLUForwardView(0.1, x, y)
			LeakyReLUBackwardView(0.1, x, dy, dx, false)
			return [][]float32{y.Data, dx.Data}
		}},
		{"mul", func() [][]float32 {
			y, da, db := out(full), out(full), out(c)
			MulForwardView(x, gate, y, hw)
			MulBackwardView(x, gate, dy, hw, da, false, db, false)
			return [][]float32{y.Data, da.Data, db.Data}
		}},
		{"add broadcast", func() [][]float32 {
			y, db := out(full), out(c)
			AddBroadcastForwardView(gate, x2, y, hw)
			AddBroadcastBackwardView(dy, hw, db, false)
			copy(dgate.Data, db.Data)
			AddBroadcastBackwardView(dy, hw, dgate, true)
			return [][]float32{y.Data, db.Data, dgate.Data}
		}},
		{"channel shuffle", func() [][]float32 {
			y, dx := out(full), out(full)
			ChannelShuffleForward(3, c, hw, x, y)
			ChannelShuffleBackward(3, c, hw, dy, dx, false)
			return [][]float32{y.Data, dx.Data}
		}},
		{"channel slice", func() [][]float32 {
			y, dx := out(6*hw), out(full)
			ChannelSliceForward(4, 10, c, hw, x, y)
			ChannelSliceBackward(4, 10, c, hw, y, dx, false)
			return [][]float32{y.Data, dx.Data}
		}},
		{"layernorm", func() [][]float32 {
			y, dx, dw, db := out(full), out(full), garbage(c), garbage(c)
			LayerNormForward(ln, x, y, w, b, mean, rstd)
			LayerNormBackward(ln, x, dy, w, mean, rstd, dx, false, dw, db)
			return [][]float32{y.Data, slicesCopy(mean), slicesCopy(rstd), dx.Data, dw, db}
		}},
		{"scale", func() [][]float32 {
			y, dx, dw := out(full), out(full), garbage(c)
			ScaleForward(c, hw, x, y, w)
			ScaleBackward(c, hw, x, dy, w, dx, false, dw)
			return [][]float32{y.Data, dx.Data, dw}
		}},
		{"drop path", func() [][]float32 {
			y, dx := out(full), out(full)
			m := slicesCopy(mask)
			DropPathForward(0.5, true, NewRNG(5), x, y, m)
			DropPathBackward(0.5, true, m, dy, dx, false)
			return [][]float32{y.Data, dx.Data, m}
		}},
	}
	for _, tc := range cases {
		SetThreads(1)
		ref := tc.run()
		for _, threads := range []int{2, 3} {
			SetThreads(threads)
			before := modParallelRuns.Load()
			got := tc.run()
			if modParallelRuns.Load() == before {
				t.Errorf("%s on %d threads: nothing was split over the threads", tc.name, threads)
			}
			for i := range got {
				sameBits(t, fmt.Sprintf("%s, output %d, %d threads", tc.name, i, threads), got[i], ref[i])
			}
		}
	}
	SetThreads(2)
	y, dx, dw, db := out(full), out(full), garbage(c), garbage(c)
	steps := map[string]func(){
		"gelu":      func() { GELUForwardView(x, y) },
		"mul":       func() { MulBackwardView(x, gate, dy, hw, y, false, dgate, false) },
		"layernorm": func() { LayerNormBackward(ln, x, dy, w, mean, rstd, dx, false, dw, db) },
		"scale":     func() { ScaleBackward(c, hw, x, dy, w, dx, true, dw) },
	}
	for name, f := range steps {
		if a := testing.AllocsPerRun(5, f); a != 0 {
			t.Errorf("%s allocates %.1f times per call on 2 threads", name, a)
		}
	}
}

func slicesCopy(s []float32) []float32 { return append([]float32(nil), s...) }
