package kernels

import (
	"fmt"
	"math"
	"testing"
)

// max3Variants runs f with each max-pooling kernel set the CPU has: the Go
// paths (no vector kernel), AVX2 and AVX-512.
func max3Variants(t *testing.T, f func(t *testing.T)) {
	forEachMax3Kernels(func(name string) { t.Run(name, f) })
}

// forEachMax3Kernels selects each max-pooling kernel set the CPU has in
// turn and calls f with its name.
func forEachMax3Kernels(f func(name string)) {
	have512, have2 := haveMax3AVX512, haveMax3AVX2
	defer func() { haveMax3AVX512, haveMax3AVX2 = have512, have2 }()
	for _, v := range []struct {
		name         string
		avx512, avx2 bool
		ok           bool
	}{{"go", false, false, true}, {"avx2", false, true, have2}, {"avx512", true, have2, have512}} {
		if !v.ok {
			continue
		}
		haveMax3AVX512, haveMax3AVX2 = v.avx512, v.avx2
		f(v.name)
	}
}

// TestMax3Into: the vector kernels' elementwise first maximum against a
// float scan (replace on strictly greater), on every length up to 40
// (whole vectors and each tail), at three offsets, with signed zeros, and
// nothing written past dst's end.
func TestMax3Into(t *testing.T) {
	negZero := float32(math.Copysign(0, -1))
	max3Variants(t, func(t *testing.T) {
		if !haveMax3AVX2 {
			t.Skip("no vector kernel")
		}
		r := newRand(7)
		src, _ := randVec(r, 3*64)
		for i := range src {
			if i%5 == 0 {
				src[i] = 0
			} else if i%5 == 1 {
				src[i] = negZero
			}
		}
		for off := 0; off < 3; off++ {
			for n := 0; n <= 40; n++ {
				a, b, c := src[off:off+n], src[64+off:64+off+n], src[128+2*off:128+2*off+n]
				buf := garbage(n + 16)
				dst := buf[off : off+n]
				max3Into(dst, a, b, c)
				for i := range dst {
					want := a[i]
					for _, v := range []float32{b[i], c[i]} {
						if v > want {
							want = v
						}
					}
					if math.Float32bits(dst[i]) != math.Float32bits(want) {
						t.Fatalf("offset %d length %d: [%d] = %v, want %v", off, n, i, dst[i], want)
					}
				}
				checkOutsideDst(t, buf, off, n)
			}
		}
	})
}

// TestMaxForwardVec: 3x3 max pooling without indices against PyTorch's
// per-window scan (PoolGeom.argmax), bit for bit, on the strides and
// paddings the vector path takes, ragged widths around its 8 and 16
// lanes, planes holding zeros of both signs (the first maximum's sign must
// win) and planes with a NaN or an infinity (the scan's own path), with
// each kernel set the CPU has.
func TestMaxForwardVec(t *testing.T) {
	max3Variants(t, testMaxForwardVec)
}

func testMaxForwardVec(t *testing.T) {
	negZero := float32(math.Copysign(0, -1))
	for _, s := range []int{1, 2} {
		for _, p := range []int{0, 1} {
			for _, w := range []int{2, 3, 4, 5, 16, 17, 19, 33, 48} {
				for _, h := range []int{1, 2, 3, 6, 7} {
					g := PoolGeom{N: 2, C: 3, H: h, W: w, KH: 3, KW: 3, SH: s, SW: s, PH: p, PW: p}
					g.XStride = g.C*g.H*g.W + 1
					if g.Init() != nil {
						continue // no window fits without padding
					}
					g.YStride = g.C*g.OH*g.OW + 2
					name := fmt.Sprintf("%dx%d stride %d pad %d", h, w, s, p)
					if (haveMax3AVX512 || haveMax3AVX2) && !g.maxVecOK() {
						t.Fatalf("%s: not taken by the vector path", name)
					}
					r := newRand(uint64(h*1000 + w*10 + s*2 + p))
					x, _ := randVec(r, g.InSpan())
					// Sample 0, channel 1: signed zeros, each window's max 0.
					zp := x[g.H*g.W : 2*g.H*g.W]
					for i := range zp {
						switch i % 3 {
						case 0:
							zp[i] = negZero
						case 1:
							zp[i] = 0
						default:
							zp[i] = -1
						}
					}
					// Sample 1, channel 0 holds a NaN; channel 2 an infinity.
					x[g.XStride+min(g.W+1, g.H*g.W-1)] = float32(math.NaN())
					x[g.XStride+2*g.H*g.W+min(2, g.H*g.W-1)] = float32(math.Inf(1))
					got := garbage(g.OutSpan())
					MaxPoolForward(g, x, got)
					for n := 0; n < g.N; n++ {
						for c := 0; c < g.C; c++ {
							xp, yp := g.xPlane(x, n, c), g.yPlane(got, n, c)
							for oh := 0; oh < g.OH; oh++ {
								for ow := 0; ow < g.OW; ow++ {
									want := xp[g.argmax(xp, oh, ow)]
									if v := yp[oh*g.OW+ow]; math.Float32bits(v) != math.Float32bits(want) && !(v != v && want != want) {
										t.Fatalf("%s: sample %d channel %d window (%d,%d) = %v (%#x), want %v (%#x)",
											name, n, c, oh, ow, v, math.Float32bits(v), want, math.Float32bits(want))
									}
								}
							}
						}
					}
					checkGaps(t, name, got, g.N, g.C*g.OH*g.OW, g.YStride)
				}
			}
		}
	}
}

// TestMax3MaskedInto: the masked kernel against a float scan of the taps
// its masks keep (replace on strictly greater; a dropped tap is -Inf), on
// every length up to 40 at three offsets, with signed zeros and nothing
// written past dst's end.
func TestMax3MaskedInto(t *testing.T) {
	if !haveMax3AVX2 {
		t.Skip("no vector kernel")
	}
	negZero := float32(math.Copysign(0, -1))
	inf, ninf := float32(math.Inf(1)), float32(math.Inf(-1))
	r := newRand(11)
	src, _ := randVec(r, 5*64)
	for i := range src[:3*64] {
		switch i % 5 {
		case 0:
			src[i] = 0
		case 1:
			src[i] = negZero
		}
	}
	for i := 3 * 64; i < len(src); i++ {
		src[i] = inf
		if r.IntN(3) == 0 {
			src[i] = ninf
		}
	}
	for off := 0; off < 3; off++ {
		for n := 0; n <= 40; n++ {
			a, b, c := src[off:off+n], src[64+off:64+off+n], src[128+2*off:128+2*off+n]
			ma, mc := src[192+off:192+off+n], src[256+2*off:256+2*off+n]
			buf := garbage(n + 16)
			dst := buf[off : off+n]
			max3MaskedInto(dst, a, b, c, ma, mc)
			for i := range dst {
				want := ninf
				for j, v := range []float32{a[i], b[i], c[i]} {
					if j == 0 && ma[i] == ninf || j == 2 && mc[i] == ninf {
						continue
					}
					if j == 0 || v > want {
						want = v
					}
				}
				if math.Float32bits(dst[i]) != math.Float32bits(want) {
					t.Fatalf("offset %d length %d: [%d] = %v, want %v", off, n, i, dst[i], want)
				}
			}
			checkOutsideDst(t, buf, off, n)
		}
	}
}

// checkOutsideDst fails t if a kernel wrote buf (garbage(n + 16) before
// the call) outside its dst, buf[off : off+n].
func checkOutsideDst(t *testing.T, buf []float32, off, n int) {
	t.Helper()
	ref := garbage(len(buf))
	for i := range buf {
		if (i < off || i >= off+n) && math.Float32bits(buf[i]) != math.Float32bits(ref[i]) {
			t.Fatalf("offset %d length %d: wrote [%d] outside dst", off, n, i-off)
		}
	}
}
