package kernels

import "math"

// The activations that came after the book's networks, each as PyTorch 1.13 defines it
// (torch.nn.SiLU, GELU with approximate="none", Hardswish, Hardsigmoid, LeakyReLU),
// forward and backward, on strided views; y may be the same view as x. Their backward
// reads the input x (where PyTorch's does), not the output. These are loops in
// float32 with float64 for the transcendental parts, split over the kernel threads
// (modern_parallel.go).

// SiLUForwardView computes y = x * sigmoid(x).
func SiLUForwardView(x, y View) { mapView("silu", x, y, silu) }

// SiLUBackwardView computes dx (+)= dy * sigmoid(x) * (1 + x * (1 - sigmoid(x))).
func SiLUBackwardView(x, dy, dx View, accumulate bool) {
	gradView("silu", x, dy, dx, accumulate, siluGrad)
}

// GELUForwardView computes y = x * Phi(x), Phi the standard normal CDF, in its exact erf
// form: 0.5 * x * (1 + erf(x / sqrt 2)).
func GELUForwardView(x, y View) { mapView("gelu", x, y, gelu) }

// GELUBackwardView computes dx (+)= dy * (Phi(x) + x * phi(x)).
func GELUBackwardView(x, dy, dx View, accumulate bool) {
	gradView("gelu", x, dy, dx, accumulate, geluGrad)
}

// HardSwishForwardView computes y = x * relu6(x + 3) / 6.
func HardSwishForwardView(x, y View) { mapView("hardswish", x, y, hardSwish) }

// HardSwishBackwardView computes dx (+)= dy * f'(x), with PyTorch's values at the joins:
// 0 for x < -3, 1 for x > 3 and (2x + 3) / 6 in between, the ends included.
func HardSwishBackwardView(x, dy, dx View, accumulate bool) {
	gradView("hardswish", x, dy, dx, accumulate, hardSwishGrad)
}

// HardSigmoidForwardView computes y = relu6(x + 3) / 6.
func HardSigmoidForwardView(x, y View) { mapView("hardsigmoid", x, y, hardSigmoid) }

// HardSigmoidBackwardView computes dx (+)= dy / 6 where -3 < x < 3, else 0 (PyTorch's
// gradient is 0 at the joins).
func HardSigmoidBackwardView(x, dy, dx View, accumulate bool) {
	gradView("hardsigmoid", x, dy, dx, accumulate, hardSigmoidGrad)
}

// LeakyReLUForwardView computes y = x for x > 0, slope * x otherwise.
func LeakyReLUForwardView(slope float32, x, y View) {
	x.check("leaky_relu", "x", x.N, x.Len)
	y.check("leaky_relu", "y", x.N, x.Len)
	t := modTask{op: modLeaky, a: x, b: y, slope: slope}
	t.runElements(1)
}

// LeakyReLUBackwardView computes dx (+)= dy where x > 0, slope * dy otherwise (PyTorch
// takes the slope at 0).
func LeakyReLUBackwardView(slope float32, x, dy, dx View, accumulate bool) {
	checkGrad("leaky_relu", x, dy, dx)
	t := modTask{op: modLeakyBack, a: x, b: dy, c: dx, slope: slope, acc: accumulate}
	t.runElements(1)
}

func silu(v float32) float32 {
	x := float64(v)
	return float32(x / (1 + math.Exp(-x)))
}

func siluGrad(v float32) float32 {
	x := float64(v)
	s := 1 / (1 + math.Exp(-x))
	return float32(s * (1 + x*(1-s)))
}

func gelu(v float32) float32 {
	x := float64(v)
	return float32(0.5 * x * (1 + math.Erf(x/math.Sqrt2)))
}

func geluGrad(v float32) float32 {
	x := float64(v)
	cdf := 0.5 * (1 + math.Erf(x/math.Sqrt2))
	pdf := math.Exp(-0.5*x*x) / math.Sqrt(2*math.Pi)
	return float32(cdf + x*pdf)
}

func hardSwish(x float32) float32 {
	switch {
	case x <= -3:
		return 0
	case x >= 3:
		return x
	}
	return x * (x + 3) / 6
}

func hardSwishGrad(x float32) float32 {
	switch {
	case x < -3:
		return 0
	case x > 3:
		return 1
	}
	return (2*x + 3) / 6
}

func hardSigmoid(x float32) float32 {
	switch {
	case x <= -3:
		return 0
	case x >= 3:
		return 1
	}
	return (x + 3) / 6
}

func hardSigmoidGrad(x float32) float32 {
	if x > -3 && x < 3 {
		return 1.0 / 6
	}
	return 0
}

// mapView computes y = f(x) elementwise, split over the threads. The maps cost about
// as much per element as the exp-based activations (float64 exp or erf).
func mapView(name string, x, y View, f func(float32) float32) {
	x.check(name, "x", x.N, x.Len)
	y.check(name, "y", x.N, x.Len)
	t := modTask{op: modMap, a: x, b: y, f: f}
	t.runElements(eltGrain / eltExpGrain)
}

// gradView computes dx = dy * f'(x), or adds it.
func gradView(name string, x, dy, dx View, accumulate bool, df func(float32) float32) {
	checkGrad(name, x, dy, dx)
	t := modTask{op: modGrad, a: x, b: dy, c: dx, f: df, acc: accumulate}
	t.runElements(eltGrain / eltExpGrain)
}

func checkGrad(name string, x, dy, dx View) {
	x.check(name, "x", x.N, x.Len)
	dy.check(name, "dy", x.N, x.Len)
	dx.check(name, "dx", x.N, x.Len)
}
