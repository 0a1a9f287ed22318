package kernels

import (
	"fmt"
	"math"
	"testing"
)

// TestMaxForwardArgStacked: training's 3x3 pad-1 max pooling (indices kept)
// over runs of planes against PyTorch's per-window scan (scanArgmax):
// every index and every maximum bit for bit, on data full of ties (signed
// zeros, repeated values: the first maximum must win), random data, a
// plane holding a NaN and one holding an infinity, with runs cut by the
// scratch, by the sample's end and by the thread split [lo, hi), and
// strided sample views, at stride 1 and 2 (48x48, 40x34, 64x64: one plane
// per run).
func TestMaxForwardArgStacked(t *testing.T) {
	max3Variants(t, func(t *testing.T) {
		for _, hws := range [][3]int{{12, 12, 1}, {6, 6, 1}, {3, 3, 1}, {7, 7, 1}, {1, 5, 1}, {2, 9, 1}, {5, 40, 1},
			{1, 1, 1}, {2, 2, 1}, {28, 28, 1}, {12, 12, 2}, {6, 6, 2}, {24, 24, 2}, {2, 2, 2}, {2, 8, 2}, {4, 10, 2},
			{6, 4, 2}, {48, 48, 2}, {40, 34, 2}, {64, 64, 2}, {66, 64, 2}} {
			g := PoolGeom{N: 2, C: 37, H: hws[0], W: hws[1], KH: 3, KW: 3, SH: hws[2], SW: hws[2], PH: 1, PW: 1}
			g.XStride = g.C*g.H*g.W + 3
			if err := g.Init(); err != nil {
				t.Fatal(err)
			}
			g.YStride = g.C*g.OH*g.OW + 5
			if haveMax3AVX2 && g.W > 1 && g.H*g.W > 4 && g.H*g.W <= poolVecLen && !g.maxArgOK() {
				t.Fatalf("%dx%d: not taken by the stacked argmax path", g.H, g.W)
			}
			for kind := 0; kind < 2; kind++ {
				name := fmt.Sprintf("%dx%d stride %d data %d", g.H, g.W, g.SH, kind)
				r := newRand(uint64(g.H*100 + g.W + kind))
				x := poolData(r, kind, g.InSpan())
				g.xPlane(x, 1, 30)[g.W/2] = float32(math.NaN())
				g.xPlane(x, 0, 5)[g.H*g.W-1] = float32(math.Inf(-1))
				for _, split := range []int{1, 2, 5, 36, 37, 38, 74} {
					got := garbage(g.OutSpan())
					arg := make([]int32, g.OutLen())
					for i := range arg {
						arg[i] = -1
					}
					task := poolTask{op: poolMaxForward, g: g, x: x, y: got, arg: arg}
					for lo := 0; lo < g.N*g.C; lo += split {
						task.Run(lo, min(lo+split, g.N*g.C))
					}
					for n := 0; n < g.N; n++ {
						for c := 0; c < g.C; c++ {
							xp, yp := g.xPlane(x, n, c), g.yPlane(got, n, c)
							ap := arg[(n*g.C+c)*g.OH*g.OW:]
							for i := range yp {
								j := scanArgmax(g, xp, i/g.OW, i%g.OW)
								if int(ap[i]) != j {
									t.Fatalf("%s split %d: sample %d channel %d output %d: argmax %d, scan gives %d",
										name, split, n, c, i, ap[i], j)
								}
								if v, want := yp[i], xp[j]; math.Float32bits(v) != math.Float32bits(want) && !(v != v && want != want) {
									t.Fatalf("%s split %d: sample %d channel %d output %d = %v, want %v", name, split, n, c, i, v, want)
								}
							}
						}
					}
					checkGaps(t, name, got, g.N, g.C*g.OH*g.OW, g.YStride)
				}
			}
		}
	})
}

// TestArgmax3s1AVX2Tail: the kernel on every length from 8 to 38 writes
// exactly idx[:n], each the first matching valid tap; its wrapper refuses
// windows whose taps would be loaded from outside x.
func TestArgmax3s1AVX2Tail(t *testing.T) {
	if !haveMax3AVX2 {
		t.Skip("no AVX2")
	}
	g := PoolGeom{N: 1, C: 9, H: 5, W: 4, KH: 3, KW: 3, SH: 1, SW: 1, PH: 1, PW: 1}
	if err := g.Init(); err != nil {
		t.Fatal(err)
	}
	r := newRand(77)
	x := poolData(r, 1, g.InLen())
	y := make([]float32, g.OutLen())
	MaxPoolForward(g, x, y)
	var s maxArgScratch
	all := g.C * g.H * g.W
	s.prepare(g.H, g.W, all)
	for n := 8; n <= all-2*g.W-2; n++ {
		idx := make([]int32, all)
		for i := range idx {
			idx[i] = -7
		}
		lo := g.W + 1
		argmaxWindows(x, lo, y[lo:lo+n], s.words[lo:lo+n], idx[lo:lo+n], g.W, &s.taps)
		for p := range idx {
			want := int32(-7)
			if p >= lo && p < lo+n {
				q, i := p/(g.H*g.W), p%(g.H*g.W)
				want = int32(scanArgmax(g, x[q*g.H*g.W:(q+1)*g.H*g.W], i/g.W, i%g.W))
			}
			if idx[p] != want {
				t.Fatalf("n=%d: idx[%d] = %d, want %d", n, p, idx[p], want)
			}
		}
	}
	for _, at := range []int{g.W, all - g.W - 8} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("windows from %d: a tap outside x was not refused", at)
				}
			}()
			argmaxWindows(x, at, y[at:at+8], s.words[at:at+8], make([]int32, 8), g.W, &s.taps)
		}()
	}
}
