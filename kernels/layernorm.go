package kernels

import (
	"fmt"
	"math"
)

// LayerNormGeom is layer normalization over the C channels at each of the HW positions of
// each sample (HW = 1 for a flat N x C input), as torch.nn.functional.layer_norm over the
// channel axis: ConvNeXt's LayerNorm2d on N x C x H x W, nn.LayerNorm on N x C.
type LayerNormGeom struct {
	C, HW int
	Eps   float64
}

func (g LayerNormGeom) check(name string, x, y View, weight []float32) {
	if g.C < 1 || g.HW < 1 || !(g.Eps > 0) {
		panic(fmt.Sprintf("kernels: %s needs C, HW >= 1 and eps > 0, found %+v", name, g))
	}
	x.check(name, "x", x.N, g.C*g.HW)
	y.check(name, "y", x.N, g.C*g.HW)
	need(name+" weight", weight, g.C)
}

// LayerNormForward computes y = (x - mean) * rstd * weight[c] + bias[c] at each position,
// mean and the biased variance over the channels (in float64), rstd = 1/sqrt(var + eps).
// Element (c, p) of a sample is at c*HW + p. When mean and rstd are given (N*HW each),
// they receive each position's statistics for backward. y may be the same view as x.
func LayerNormForward(g LayerNormGeom, x, y View, weight, bias, mean, rstd []float32) {
	g.check("layernorm", x, y, weight)
	need("layernorm bias", bias, g.C)
	keep := mean != nil
	if keep {
		need("layernorm mean", mean, x.N*g.HW)
		need("layernorm rstd", rstd, x.N*g.HW)
	}
	for n := 0; n < x.N; n++ {
		xs, ys := x.Sample(n), y.Sample(n)
		for p := 0; p < g.HW; p++ {
			var s, ss float64
			for c := 0; c < g.C; c++ {
				v := float64(xs[c*g.HW+p])
				s += v
				ss += v * v
			}
			m := s / float64(g.C)
			v := math.Max(ss/float64(g.C)-m*m, 0)
			r := 1 / math.Sqrt(v+g.Eps)
			if keep {
				mean[n*g.HW+p], rstd[n*g.HW+p] = float32(m), float32(r)
			}
			mf, rf := float32(m), float32(r)
			for c := 0; c < g.C; c++ {
				i := c*g.HW + p
				ys[i] = (xs[i]-mf)*rf*weight[c] + bias[c]
			}
		}
	}
}

// LayerNormBackward computes, from the forward's input, the output gradient dy and the
// kept statistics, the input gradient (dx = rstd * (dxhat - mean(dxhat) - xhat *
// mean(dxhat * xhat)), dxhat = dy * weight, means over the channels; added when
// accumulate; skipped when dx.Data is nil) and overwrites dweight and dbias with the
// batch's sums of dy * xhat and dy.
func LayerNormBackward(g LayerNormGeom, x, dy View, weight, mean, rstd []float32, dx View, accumulate bool, dweight, dbias []float32) {
	g.check("layernorm backward", x, dy, weight)
	need("layernorm mean", mean, x.N*g.HW)
	need("layernorm rstd", rstd, x.N*g.HW)
	wantDX := dx.Data != nil
	if wantDX {
		dx.check("layernorm backward", "dx", x.N, g.C*g.HW)
	}
	need("layernorm dweight", dweight, g.C)
	need("layernorm dbias", dbias, g.C)
	if wantDX {
		for n := 0; n < x.N; n++ {
			xs, dys, dxs := x.Sample(n), dy.Sample(n), dx.Sample(n)
			for p := 0; p < g.HW; p++ {
				m, r := float64(mean[n*g.HW+p]), float64(rstd[n*g.HW+p])
				var sd, sdx float64 // means of dxhat and dxhat*xhat over the channels
				for c := 0; c < g.C; c++ {
					i := c*g.HW + p
					dh := float64(dys[i]) * float64(weight[c])
					sd += dh
					sdx += dh * (float64(xs[i]) - m) * r
				}
				sd /= float64(g.C)
				sdx /= float64(g.C)
				for c := 0; c < g.C; c++ {
					i := c*g.HW + p
					xh := (float64(xs[i]) - m) * r
					v := float32(r * (float64(dys[i])*float64(weight[c]) - sd - xh*sdx))
					if accumulate {
						dxs[i] += v
					} else {
						dxs[i] = v
					}
				}
			}
		}
	}
	for c := 0; c < g.C; c++ {
		var dw, db float64
		for n := 0; n < x.N; n++ {
			xs, dys := x.Sample(n)[c*g.HW:(c+1)*g.HW], dy.Sample(n)[c*g.HW:(c+1)*g.HW]
			ms, rs := mean[n*g.HW:(n+1)*g.HW], rstd[n*g.HW:(n+1)*g.HW]
			for p, d := range dys {
				dw += float64(d) * (float64(xs[p]) - float64(ms[p])) * float64(rs[p])
				db += float64(d)
			}
		}
		dweight[c], dbias[c] = float32(dw), float32(db)
	}
}
