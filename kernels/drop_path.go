package kernels

import "math"

// DropPathForward is stochastic depth (torchvision.ops.stochastic_depth, mode "row"):
// when active and p > 0, each sample is kept with probability 1-p and scaled by 1/(1-p),
// or zeroed; mask[n] receives that factor (0 or 1/(1-p)) for backward. One draw per
// sample from rng, in order, with dropout's rule (dropped when rng.Float32() < p), so a
// run is reproducible and resumes exactly. When inactive, y = x and nothing is drawn. y
// may be the same view as x.
func DropPathForward(p float32, active bool, rng *RNG, x, y View, mask []float32) {
	x.check("drop_path", "x", x.N, x.Len)
	y.check("drop_path", "y", x.N, x.Len)
	if !dropoutActive(p, active) {
		runPass(x, y, false)
		return
	}
	need("drop_path mask", mask, x.N)
	drop := uint64(1 << 24)
	var scale float32
	if p < 1 {
		scale = 1 / (1 - p)
		drop = uint64(math.Ceil(float64(p) * (1 << 24)))
	}
	for n := 0; n < x.N; n++ {
		m := float32(0)
		if rng.Uint64()>>40 >= drop {
			m = scale
		}
		mask[n] = m
	}
	t := modTask{op: modDropPath, a: x, b: y, mask: mask}
	t.runElements(1)
}

// DropPathBackward computes dx (+)= dy * mask[n] per sample (dx (+)= dy when inactive).
func DropPathBackward(p float32, active bool, mask []float32, dy, dx View, accumulate bool) {
	dy.check("drop_path", "dy", dy.N, dy.Len)
	dx.check("drop_path", "dx", dy.N, dy.Len)
	if !dropoutActive(p, active) {
		runPass(dy, dx, accumulate)
		return
	}
	need("drop_path mask", mask, dy.N)
	t := modTask{op: modDropPathBack, a: dy, b: dx, mask: mask, acc: accumulate}
	t.runElements(1)
}
