package kernels

import (
	"fmt"
	"math"
	"testing"
)

// TestMaxForwardStacked: stride-1 and stride-2 pad-1 3x3 max pooling over runs of
// planes against PyTorch's per-window scan (PoolGeom.argmax), bit for bit,
// with more channels than one run holds (runs cut by the scratch, by the
// sample's end and by the thread split [lo, hi)), a plane of signed zeros
// inside a run and a run holding a NaN, with each kernel set the CPU has.
func TestMaxForwardStacked(t *testing.T) {
	max3Variants(t, func(t *testing.T) {
		negZero := float32(math.Copysign(0, -1))
		for _, hws := range [][3]int{{7, 7, 1}, {14, 14, 1}, {28, 28, 1}, {1, 5, 1}, {2, 9, 1}, {5, 40, 1}, {3, 3, 1},
			{6, 6, 2}, {12, 12, 2}, {24, 24, 2}, {2, 2, 2}, {2, 8, 2}, {4, 10, 2}, {6, 4, 2}} {
			g := PoolGeom{N: 2, C: 37, H: hws[0], W: hws[1], KH: 3, KW: 3, SH: hws[2], SW: hws[2], PH: 1, PW: 1}
			g.XStride = g.C*g.H*g.W + 3
			if err := g.Init(); err != nil {
				t.Fatal(err)
			}
			g.YStride = g.C*g.OH*g.OW + 5
			name := fmt.Sprintf("%dx%d stride %d", g.H, g.W, g.SH)
			if haveMax3AVX2 && !g.maxStackOK() {
				t.Fatalf("%s: not taken by the stacked path", name)
			}
			r := newRand(uint64(g.H*100 + g.W))
			x, _ := randVec(r, g.InSpan())
			zp := g.xPlane(x, 0, 2)
			for i := range zp {
				zp[i] = [3]float32{negZero, 0, -1}[i%3]
			}
			g.xPlane(x, 1, 30)[g.W/2] = float32(math.NaN())
			for _, split := range []int{1, 2, 5, 36, 37, 38, 74} {
				got := garbage(g.OutSpan())
				task := poolTask{op: poolMaxForward, g: g, x: x, y: got}
				for lo := 0; lo < g.N*g.C; lo += split {
					task.Run(lo, min(lo+split, g.N*g.C))
				}
				for n := 0; n < g.N; n++ {
					for c := 0; c < g.C; c++ {
						xp, yp := g.xPlane(x, n, c), g.yPlane(got, n, c)
						for i := range yp {
							want := xp[g.argmax(xp, i/g.OW, i%g.OW)]
							if v := yp[i]; math.Float32bits(v) != math.Float32bits(want) && !(v != v && want != want) {
								t.Fatalf("%s split %d: sample %d channel %d output %d = %v (%#x), want %v (%#x)",
									name, split, n, c, i, v, math.Float32bits(v), want, math.Float32bits(want))
							}
						}
					}
				}
				checkGaps(t, name, got, g.N, g.C*g.OH*g.OW, g.YStride)
			}
		}
	})
}
