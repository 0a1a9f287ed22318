package kernels

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// The pooling fast paths (row kernels, clamped border rows, key compares)
// are held bit for bit to the original per-window code, restated here:
// scan each clipped window in row-major order from -inf, replacing on
// strictly greater or NaN; average windows summed in row-major order from
// 0 and divided by avgWindow's divisor; backward adds in row-major window
// order onto cleared (or accumulated) dx.

func scanArgmax(g PoolGeom, xp []float32, oh, ow int) int {
	h0, w0 := oh*g.SH-g.PH, ow*g.SW-g.PW
	h1, w1 := min(h0+g.KH, g.H), min(w0+g.KW, g.W)
	h0, w0 = max(h0, 0), max(w0, 0)
	best, idx := float32(math.Inf(-1)), h0*g.W+w0
	for ih := h0; ih < h1; ih++ {
		for iw := w0; iw < w1; iw++ {
			if v := xp[ih*g.W+iw]; v > best || v != v {
				best, idx = v, ih*g.W+iw
			}
		}
	}
	return idx
}

// poolScanRef runs the original per-window algorithm on dense x, dy.
func poolScanRef(g PoolGeom, avg bool, x, dy, dx []float32, acc bool) (y []float32) {
	hw, ohw := g.H*g.W, g.OH*g.OW
	y = make([]float32, g.OutLen())
	for p := 0; p < g.N*g.C; p++ {
		xp, yp := x[p*hw:(p+1)*hw], y[p*ohw:(p+1)*ohw]
		dyp, dxp := dy[p*ohw:(p+1)*ohw], dx[p*hw:(p+1)*hw]
		if !acc {
			clear(dxp)
		}
		for oh := 0; oh < g.OH; oh++ {
			for ow := 0; ow < g.OW; ow++ {
				o := oh*g.OW + ow
				if !avg {
					i := scanArgmax(g, xp, oh, ow)
					yp[o] = xp[i]
					dxp[i] += dyp[o]
					continue
				}
				h0, h1, w0, w1, div := g.avgWindow(oh, ow)
				var s float32
				for ih := h0; ih < h1; ih++ {
					for iw := w0; iw < w1; iw++ {
						s += xp[ih*g.W+iw]
					}
				}
				if h0 >= h1 || w0 >= w1 {
					s, div = 0, 1
				}
				yp[o] = s / div
				d := dyp[o] / div
				for ih := h0; ih < h1; ih++ {
					for iw := w0; iw < w1; iw++ {
						dxp[ih*g.W+iw] += d
					}
				}
			}
		}
	}
	return y
}

// poolData fills n values of one of several kinds: distinct, ties among a
// few values with both zeros, and planes holding infinities or NaNs.
func poolData(r *rand.Rand, kind, n int) []float32 {
	x, _ := randVec(r, n)
	switch kind {
	case 1, 2:
		vals := []float32{-1, float32(math.Copysign(0, -1)), 0, 0.5, 0.5, -0.25}
		if kind == 2 {
			vals = append(vals, float32(math.Inf(-1)), float32(math.Inf(1)))
		}
		for i := range x {
			x[i] = vals[r.IntN(len(vals))]
		}
	case 3:
		for k := 0; k < 1+n/50; k++ {
			x[r.IntN(n)] = float32(math.NaN())
		}
		x[r.IntN(n)] = float32(math.Copysign(math.NaN(), -1))
	}
	return x
}

func samebits(a, b []float32) int {
	for i := range a {
		if math.Float32bits(a[i]) != math.Float32bits(b[i]) {
			return i
		}
	}
	return -1
}

func TestPoolFastPathsMatchScan(t *testing.T) {
	r := newRand(1200)
	cases := 0
	for _, k := range []int{2, 3, 4} {
		for s := 1; s <= 3; s++ {
			for p := 0; p <= k/2; p++ {
				for _, ceil := range []bool{false, true} {
					for _, hw := range [][2]int{{1, 1}, {2, 3}, {3, 3}, {4, 7}, {5, 5}, {6, 9}, {8, 8}, {13, 11}, {17, 6}} {
						g := PoolGeom{N: 2, C: 3, H: hw[0], W: hw[1], KH: k, KW: k, SH: s, SW: s, PH: p, PW: p, CeilMode: ceil}
						if g.Init() != nil {
							continue
						}
						for kind := 0; kind < 4; kind++ {
							cases++
							checkPoolAgainstScan(t, r, g, kind)
						}
					}
				}
			}
		}
	}
	// Asymmetric strides, rectangular windows, the common shapes.
	for _, g := range []PoolGeom{
		{N: 1, C: 2, H: 9, W: 12, KH: 3, KW: 3, SH: 1, SW: 2, PH: 1, PW: 0},
		{N: 1, C: 2, H: 10, W: 7, KH: 2, KW: 3, SH: 2, SW: 1},
		{N: 2, C: 2, H: 48, W: 48, KH: 3, KW: 3, SH: 2, SW: 2, PH: 1, PW: 1},
		{N: 2, C: 2, H: 12, W: 12, KH: 3, KW: 3, SH: 1, SW: 1, PH: 1, PW: 1},
		{N: 1, C: 2, H: 55, W: 55, KH: 3, KW: 3, SH: 2, SW: 2},
		{N: 1, C: 1, H: 6, W: 600, KH: 2, KW: 2, SH: 2, SW: 2}, // rows longer than one block of windows
		{N: 1, C: 1, H: 4, W: 1100, KH: 3, KW: 3, SH: 2, SW: 2, PH: 1, PW: 1, CeilMode: true},
		{N: 1, C: 1, H: 5, W: poolMaxW, KH: 3, KW: 3, SH: 2, SW: 2, PH: 1, PW: 1, CeilMode: true}, // the widest separable rows
		{N: 1, C: 1, H: 5, W: poolMaxW, KH: 2, KW: 2, SH: 1, SW: 1, PH: 1, PW: 1},
		{N: 1, C: 1, H: 5, W: poolMaxW - 1, KH: 3, KW: 3, SH: 9, SW: 9, PH: 1, PW: 1, CeilMode: true}, // padded row past poolMaxW+8
		{N: 1, C: 2, H: 9, W: 23, KH: 3, KW: 3, SH: 5, SW: 7, PH: 1, PW: 1, CeilMode: true},
	} {
		if err := g.Init(); err != nil {
			t.Fatal(err)
		}
		for kind := 0; kind < 4; kind++ {
			cases++
			checkPoolAgainstScan(t, r, g, kind)
		}
	}
	if cases < 500 {
		t.Errorf("only %d cases", cases)
	}
}

func checkPoolAgainstScan(t *testing.T, r *rand.Rand, g PoolGeom, kind int) {
	t.Helper()
	x := poolData(r, kind, g.InLen())
	dy, _ := randVec(r, g.OutLen())
	for _, avg := range []bool{false, true} {
		if avg && kind == 3 {
			continue // NaN sums are NaN either way
		}
		for _, inc := range []bool{false, true} {
			if !avg && inc {
				continue
			}
			g.CountIncludePad = inc
			name := fmt.Sprintf("avg=%v %+v data kind %d", avg, g, kind)
			for _, acc := range []bool{false, true} {
				base, _ := randVec(r, g.InLen())
				wantDx := append([]float32(nil), base...)
				wantY := poolScanRef(g, avg, x, dy, wantDx, acc)
				y, dx := garbage(g.OutLen()), append([]float32(nil), base...)
				if !acc {
					dx = garbage(g.InLen())
				}
				if avg {
					AvgPoolForward(g, x, y)
					AvgPoolBackward(g, dy, dx, acc)
				} else {
					MaxPoolForward(g, x, y)
					MaxPoolBackward(g, x, dy, dx, acc)
				}
				if i := samebits(y, wantY); i >= 0 {
					t.Fatalf("%s: y[%d] = %v, scan gives %v", name, i, y[i], wantY[i])
				}
				if i := samebits(dx, wantDx); i >= 0 {
					t.Fatalf("%s acc=%v: dx[%d] = %v, scan gives %v", name, acc, i, dx[i], wantDx[i])
				}
				if avg {
					continue
				}
				// The kept-indices pair gives the same y and dx, and each
				// index is the scan's argmax.
				arg := make([]int32, g.OutLen())
				for i := range arg {
					arg[i] = -1
				}
				y2, dx2 := garbage(g.OutLen()), append([]float32(nil), base...)
				if !acc {
					dx2 = garbage(g.InLen())
				}
				MaxPoolForwardArgmax(g, x, y2, arg)
				MaxPoolBackwardArgmax(g, arg, dy, dx2, acc)
				if i := samebits(y2, wantY); i >= 0 {
					t.Fatalf("%s argmax: y[%d] = %v, scan gives %v", name, i, y2[i], wantY[i])
				}
				if i := samebits(dx2, wantDx); i >= 0 {
					t.Fatalf("%s argmax acc=%v: dx[%d] = %v, scan gives %v", name, acc, i, dx2[i], wantDx[i])
				}
				for p := 0; p < g.N*g.C; p++ {
					xp := x[p*g.H*g.W : (p+1)*g.H*g.W]
					for oh := 0; oh < g.OH; oh++ {
						for ow := 0; ow < g.OW; ow++ {
							if got, want := arg[(p*g.OH+oh)*g.OW+ow], scanArgmax(g, xp, oh, ow); int(got) != want {
								t.Fatalf("%s: plane %d window (%d, %d): argmax %d, scan gives %d", name, p, oh, ow, got, want)
							}
						}
					}
				}
			}
		}
	}
}

// TestPoolKeyOrder: the key orders every non-NaN float as < does, with
// both zeros equal.
func TestPoolKeyOrder(t *testing.T) {
	vals := []float32{float32(math.Inf(-1)), -math.MaxFloat32, -1, -1e-38, -1e-45, float32(math.Copysign(0, -1)), 0, 1e-45, 1e-38, 1, math.MaxFloat32, float32(math.Inf(1))}
	r := newRand(1201)
	for i := 0; i < 1000; i++ {
		vals = append(vals, math.Float32frombits(r.Uint32()))
	}
	for _, a := range vals {
		for _, b := range vals[:40] {
			if a != a || b != b {
				continue
			}
			ka, kb := poolKey(math.Float32bits(a)), poolKey(math.Float32bits(b))
			if (a < b) != (ka < kb) || (a == b) != (ka == kb) {
				t.Fatalf("keys of %v, %v are %d, %d", a, b, ka, kb)
			}
		}
	}
}

// TestNonFinite runs the Go loop and, where the CPU has them, the AVX2 and
// AVX-512 ones (lengths past 16: whole vectors and a masked tail, which
// must not see a non-finite value just past the slice).
func TestNonFinite(t *testing.T) {
	max3Variants(t, func(t *testing.T) {
		buf := make([]float32, 64)
		for i := range buf {
			buf[i] = float32(i) - 30
		}
		for _, bad := range []float32{float32(math.NaN()), float32(math.Inf(1)), float32(math.Inf(-1)), float32(math.Copysign(math.NaN(), -1))} {
			for off := 0; off < 3; off++ {
				for n := 0; n <= 40; n++ {
					s := buf[off : off+n]
					if nonFinite(s) {
						t.Fatalf("finite slice at offset %d, length %d reported", off, n)
					}
					next := buf[off+n]
					buf[off+n] = bad
					if nonFinite(s) {
						t.Fatalf("%v just past a slice at offset %d, length %d reported", bad, off, n)
					}
					buf[off+n] = next
					for i := range s {
						old := s[i]
						s[i] = bad
						if !nonFinite(s) {
							t.Fatalf("%v at %d of a slice at offset %d, length %d missed", bad, i, off, n)
						}
						s[i] = old
					}
				}
			}
		}
		if nonFinite([]float32{math.MaxFloat32, -math.MaxFloat32}) {
			t.Errorf("MaxFloat32 reported")
		}
	})
}
