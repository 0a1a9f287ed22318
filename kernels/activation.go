package kernels

import "math"

// Elementwise activations ReLU, ReLU6, Sigmoid and Tanh. Every backward is
// computed from the OUTPUT y, so the input need not be kept:
//   - relu:    dx = dy where y > 0 (PyTorch's threshold_backward on the result);
//   - relu6:   dx = dy where 0 < y < 6 (hardtanh_backward's open interval,
//     which is the same set whether tested on x or on y);
//   - sigmoid: dx = dy * y * (1 - y);
//   - tanh:    dx = dy * (1 - y²).
//
// Sigmoid and tanh use the float32 exp of fastmath.go (see activation_exp.go
// for their error bounds); NaN propagates and the limits are exact
// (sigmoid(±inf) = 1, 0; tanh(±inf) = ±1).
//
// In place is allowed, since each element is read before it is written:
// forward may write y over x, backward may write dx over dy when not
// accumulating. The *View variants (strided operands, see View) allow the
// same when the two are the same view (same Data start and Stride); any
// other overlap is undefined.
//
// Large tensors are split across the kernel threads by element (see
// eltTask); results do not depend on the split.

// ReLUForwardView computes y = max(x, 0) on strided views (see View).
func ReLUForwardView(x, y View) { forwardView(eltReLU, eltGrain, "relu", x, y) }

// ReLUBackwardView computes dx = dy * [y > 0] on strided views.
func ReLUBackwardView(y, dy, dx View, accumulate bool) {
	backwardView(eltReLUBackward, eltGrain, "relu", y, dy, dx, accumulate)
}

// ReLU6ForwardView computes y = min(max(x, 0), 6) on strided views.
func ReLU6ForwardView(x, y View) { forwardView(eltReLU6, eltGrain, "relu6", x, y) }

// ReLU6BackwardView computes dx = dy * [0 < y < 6] on strided views.
func ReLU6BackwardView(y, dy, dx View, accumulate bool) {
	backwardView(eltReLU6Backward, eltGrain, "relu6", y, dy, dx, accumulate)
}

// SigmoidForwardView computes y = 1/(1+exp(-x)) on strided views.
func SigmoidForwardView(x, y View) { forwardView(eltSigmoid, eltExpGrain, "sigmoid", x, y) }

// SigmoidBackwardView computes dx = dy * y * (1 - y) on strided views.
func SigmoidBackwardView(y, dy, dx View, accumulate bool) {
	backwardView(eltSigmoidBackward, eltGrain, "sigmoid", y, dy, dx, accumulate)
}

// TanhForwardView computes y = tanh(x) on strided views.
func TanhForwardView(x, y View) { forwardView(eltTanh, eltExpGrain, "tanh", x, y) }

// TanhBackwardView computes dx = dy * (1 - y²) on strided views.
func TanhBackwardView(y, dy, dx View, accumulate bool) {
	backwardView(eltTanhBackward, eltGrain, "tanh", y, dy, dx, accumulate)
}

func forwardView(op eltOp, grain int, name string, x, y View) {
	x.check(name, "x", x.N, x.Len)
	y.check(name, "y", x.N, x.Len)
	runForward(op, grain, x, y)
}

func backwardView(op eltOp, grain int, name string, y, dy, dx View, accumulate bool) {
	y.check(name, "y", y.N, y.Len)
	dy.check(name, "dy", y.N, y.Len)
	dx.check(name, "dx", y.N, y.Len)
	runBackward(op, grain, y, dy, dx, accumulate)
}

// The span functions below are the loops proper, over one contiguous run
// (len(x) or len(y) elements). Masks are built with integer compares, which
// the compiler turns into conditional moves: a branch on the sign of
// activations mispredicts about half the time.

func reluSpan(x, y []float32) {
	y = y[:len(x)]
	for i, v := range x {
		y[i] = max(v, 0) // NaN stays NaN, -0 becomes 0
	}
}

func relu6Span(x, y []float32) {
	y = y[:len(x)]
	for i, v := range x {
		y[i] = min(max(v, 0), 6)
	}
}

// openMask is all ones when 0 < v < hi and 0 otherwise (NaN included),
// hiBits being hi's bits. As unsigned integers the bits of those v are
// exactly 1 .. hiBits-1: subtracting 1 wraps +0 to the top, and negatives
// and NaNs already lie above. reluHi is just past +inf, so y > 0 keeps +inf.
func openMask(v float32, hiBits uint32) uint32 {
	var m uint32
	if math.Float32bits(v)-1 < hiBits-1 {
		m = ^uint32(0)
	}
	return m
}

const (
	reluHi  = 0x7f800001 // just past +inf: y > 0
	relu6Hi = 0x40c00000 // 6: 0 < y < 6
)

func reluBackSpan(y, dy, dx []float32, acc bool) { maskedSpan(y, dy, dx, reluHi, acc) }

func relu6BackSpan(y, dy, dx []float32, acc bool) { maskedSpan(y, dy, dx, relu6Hi, acc) }

// maskedSpan passes dy where 0 < y < hi and +0 elsewhere.
func maskedSpan(y, dy, dx []float32, hiBits uint32, acc bool) {
	dy, dx = dy[:len(y)], dx[:len(y)]
	if acc {
		for i, v := range y {
			dx[i] += math.Float32frombits(math.Float32bits(dy[i]) & openMask(v, hiBits))
		}
		return
	}
	for i, v := range y {
		dx[i] = math.Float32frombits(math.Float32bits(dy[i]) & openMask(v, hiBits))
	}
}

func sigmoidBackSpan(y, dy, dx []float32, acc bool) {
	dy, dx = dy[:len(y)], dx[:len(y)]
	v := vecSigmoidBack(y, dy, dx, acc)
	y, dy, dx = y[v:], dy[v:], dx[v:]
	if acc {
		for i, v := range y {
			dx[i] += dy[i] * v * (1 - v)
		}
		return
	}
	for i, v := range y {
		dx[i] = dy[i] * v * (1 - v)
	}
}

func tanhBackSpan(y, dy, dx []float32, acc bool) {
	dy, dx = dy[:len(y)], dx[:len(y)]
	if acc {
		for i, v := range y {
			dx[i] += dy[i] * (1 - v*v)
		}
		return
	}
	for i, v := range y {
		dx[i] = dy[i] * (1 - v*v)
	}
}
