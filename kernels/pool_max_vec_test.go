package kernels

import (
	"fmt"
	"math"
	"testing"
)

// TestMaxForwardVec: 3x3 max pooling without indices against PyTorch's
// per-window scan (PoolGeom.argmax), bit for bit, on the strides and
// paddings the vector path takes, ragged widths around its 16 lanes,
// planes holding zeros of both signs (the first maximum's sign must win)
// and planes with a NaN or an infinity (the scan's own path).
func TestMaxForwardVec(t *testing.T) {
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
					if haveMax3AVX512 && !g.maxVecOK() {
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
