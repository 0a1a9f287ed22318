package kernels

// ScaleForward computes y = x * w[c] for the C channels of HW positions of each sample
// (ConvNeXt's layer scale; a flat input has HW = 1). y may be the same view as x.
func ScaleForward(c, hw int, x, y View, w []float32) {
	x.check("scale", "x", x.N, c*hw)
	y.check("scale", "y", x.N, c*hw)
	need("scale weight", w, c)
	for n := 0; n < x.N; n++ {
		xs, ys := x.Sample(n), y.Sample(n)
		for ch := 0; ch < c; ch++ {
			f := w[ch]
			for i := ch * hw; i < (ch+1)*hw; i++ {
				ys[i] = xs[i] * f
			}
		}
	}
}

// ScaleBackward computes dx (+)= dy * w[c] (skipped when dx.Data is nil) and overwrites
// dw with the sums over the batch and positions of dy * x, in float64.
func ScaleBackward(c, hw int, x, dy View, w []float32, dx View, accumulate bool, dw []float32) {
	x.check("scale backward", "x", x.N, c*hw)
	dy.check("scale backward", "dy", x.N, c*hw)
	need("scale weight", w, c)
	need("scale dweight", dw, c)
	if dx.Data != nil {
		dx.check("scale backward", "dx", x.N, c*hw)
	}
	for ch := 0; ch < c; ch++ {
		var s float64
		f := w[ch]
		for n := 0; n < x.N; n++ {
			xs, dys := x.Sample(n)[ch*hw:(ch+1)*hw], dy.Sample(n)[ch*hw:(ch+1)*hw]
			for i, d := range dys {
				s += float64(d) * float64(xs[i])
			}
			if dx.Data == nil {
				continue
			}
			dxs := dx.Sample(n)[ch*hw : (ch+1)*hw]
			for i, d := range dys {
				if accumulate {
					dxs[i] += d * f
				} else {
					dxs[i] = d * f
				}
			}
		}
		dw[ch] = float32(s)
	}
}
