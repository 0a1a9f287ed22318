package kernels

// ScaleForward computes y = x * w[c] for the C channels of HW positions of each sample
// (ConvNeXt's layer scale; a flat input has HW = 1). y may be the same view as x.
func ScaleForward(c, hw int, x, y View, w []float32) {
	x.check("scale", "x", x.N, c*hw)
	y.check("scale", "y", x.N, c*hw)
	need("scale weight", w, c)
	t := modTask{op: modScale, a: x, b: y, w: w, ch: c, hw: hw}
	t.run(x.N*c, hw)
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
	t := modTask{op: modScaleBack, a: x, b: dy, c: dx, w: w, dw: dw, hw: hw, acc: accumulate}
	t.run(c, 3*x.N*hw)
}
