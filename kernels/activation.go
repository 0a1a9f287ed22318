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

// ReLUForward computes y = max(x, 0).
func ReLUForward(x, y []float32) {
	need("relu y", y, len(x))
	runForward(eltReLU, eltGrain, flat(x), flat(y[:len(x)]))
}

// ReLUBackward computes dx = dy * [y > 0].
func ReLUBackward(y, dy, dx []float32, accumulate bool) {
	denseBackward(eltReLUBackward, eltGrain, "relu", y, dy, dx, accumulate)
}

// ReLU6Forward computes y = min(max(x, 0), 6).
func ReLU6Forward(x, y []float32) {
	need("relu6 y", y, len(x))
	runForward(eltReLU6, eltGrain, flat(x), flat(y[:len(x)]))
}

// ReLU6Backward computes dx = dy * [0 < y < 6].
func ReLU6Backward(y, dy, dx []float32, accumulate bool) {
	denseBackward(eltReLU6Backward, eltGrain, "relu6", y, dy, dx, accumulate)
}

// SigmoidForward computes y = 1/(1+exp(-x)).
func SigmoidForward(x, y []float32) {
	need("sigmoid y", y, len(x))
	runForward(eltSigmoid, eltExpGrain, flat(x), flat(y[:len(x)]))
}

// SigmoidBackward computes dx = dy * y * (1 - y).
func SigmoidBackward(y, dy, dx []float32, accumulate bool) {
	denseBackward(eltSigmoidBackward, eltGrain, "sigmoid", y, dy, dx, accumulate)
}

// TanhForward computes y = tanh(x).
func TanhForward(x, y []float32) {
	need("tanh y", y, len(x))
	runForward(eltTanh, eltExpGrain, flat(x), flat(y[:len(x)]))
}

// TanhBackward computes dx = dy * (1 - y²).
func TanhBackward(y, dy, dx []float32, accumulate bool) {
	denseBackward(eltTanhBackward, eltGrain, "tanh", y, dy, dx, accumulate)
}

func denseBackward(op eltOp, grain int, name string, y, dy, dx []float32, accumulate bool) {
	if len(dy) < len(y) || len(dx) < len(y) { // build the names only to panic
		need(name+" dy", dy, len(y))
		need(name+" dx", dx, len(y))
	}
	runBackward(op, grain, flat(y), flat(dy[:len(y)]), flat(dx[:len(y)]), accumulate)
}

// ReLUForwardView is ReLUForward on strided views (see View).
func ReLUForwardView(x, y View) { forwardView(eltReLU, eltGrain, "relu", x, y) }

// ReLUBackwardView is ReLUBackward on strided views.
func ReLUBackwardView(y, dy, dx View, accumulate bool) {
	backwardView(eltReLUBackward, eltGrain, "relu", y, dy, dx, accumulate)
}

// ReLU6ForwardView is ReLU6Forward on strided views.
func ReLU6ForwardView(x, y View) { forwardView(eltReLU6, eltGrain, "relu6", x, y) }

// ReLU6BackwardView is ReLU6Backward on strided views.
func ReLU6BackwardView(y, dy, dx View, accumulate bool) {
	backwardView(eltReLU6Backward, eltGrain, "relu6", y, dy, dx, accumulate)
}

// SigmoidForwardView is SigmoidForward on strided views.
func SigmoidForwardView(x, y View) { forwardView(eltSigmoid, eltExpGrain, "sigmoid", x, y) }

// SigmoidBackwardView is SigmoidBackward on strided views.
func SigmoidBackwardView(y, dy, dx View, accumulate bool) {
	backwardView(eltSigmoidBackward, eltGrain, "sigmoid", y, dy, dx, accumulate)
}

// TanhForwardView is TanhForward on strided views.
func TanhForwardView(x, y View) { forwardView(eltTanh, eltExpGrain, "tanh", x, y) }

// TanhBackwardView is TanhBackward on strided views.
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
