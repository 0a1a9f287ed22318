package kernels

import "fmt"

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
	if len(weight) < g.C { // need(name+" weight", ...) would build the name on every call
		panic(fmt.Sprintf("kernels: %s weight has %d elements, need %d", name, len(weight), g.C))
	}
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
	t := modTask{op: modLayerNorm, a: x, b: y, w: weight, bias: bias, hw: g.HW, ch: g.C, eps: g.Eps}
	if keep {
		t.mean, t.rstd = mean, rstd
	}
	t.run(x.N*g.HW, 2*g.C)
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
		t := modTask{op: modLayerNormBack, a: x, b: dy, c: dx, w: weight, mean: mean, rstd: rstd, hw: g.HW, ch: g.C, acc: accumulate}
		t.run(x.N*g.HW, 3*g.C)
	}
	t := modTask{op: modLayerNormParams, a: x, b: dy, mean: mean, rstd: rstd, dw: dweight, db: dbias, hw: g.HW}
	t.run(g.C, 2*x.N*g.HW)
}
