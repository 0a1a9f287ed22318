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
// In place is allowed, since each element is read before it is written:
// forward may write y over x, backward may write dx over dy when not
// accumulating. The *View variants (strided operands, see View) allow the
// same when the two are the same view (same Data start and Stride); any
// other overlap is undefined.

// ReLUForward computes y = max(x, 0).
func ReLUForward(x, y []float32) {
	need("relu y", y, len(x))
	y = y[:len(x)]
	for i, v := range x {
		y[i] = max(v, 0)
	}
}

// ReLUBackward computes dx = dy * [y > 0].
func ReLUBackward(y, dy, dx []float32, accumulate bool) {
	need("relu dy", dy, len(y))
	need("relu dx", dx, len(y))
	dy, dx = dy[:len(y)], dx[:len(y)]
	for i, v := range y {
		d := dy[i]
		if !(v > 0) {
			d = 0
		}
		store(dx, i, d, accumulate)
	}
}

// ReLU6Forward computes y = min(max(x, 0), 6).
func ReLU6Forward(x, y []float32) {
	need("relu6 y", y, len(x))
	y = y[:len(x)]
	for i, v := range x {
		y[i] = min(max(v, 0), 6)
	}
}

// ReLU6Backward computes dx = dy * [0 < y < 6].
func ReLU6Backward(y, dy, dx []float32, accumulate bool) {
	need("relu6 dy", dy, len(y))
	need("relu6 dx", dx, len(y))
	dy, dx = dy[:len(y)], dx[:len(y)]
	for i, v := range y {
		d := dy[i]
		if !(v > 0 && v < 6) {
			d = 0
		}
		store(dx, i, d, accumulate)
	}
}

// SigmoidForward computes y = 1/(1+exp(-x)) (in float64, then rounded).
func SigmoidForward(x, y []float32) {
	need("sigmoid y", y, len(x))
	y = y[:len(x)]
	for i, v := range x {
		y[i] = float32(1 / (1 + math.Exp(-float64(v))))
	}
}

// SigmoidBackward computes dx = dy * y * (1 - y).
func SigmoidBackward(y, dy, dx []float32, accumulate bool) {
	need("sigmoid dy", dy, len(y))
	need("sigmoid dx", dx, len(y))
	dy, dx = dy[:len(y)], dx[:len(y)]
	for i, v := range y {
		store(dx, i, dy[i]*v*(1-v), accumulate)
	}
}

// TanhForward computes y = tanh(x) (in float64, then rounded).
func TanhForward(x, y []float32) {
	need("tanh y", y, len(x))
	y = y[:len(x)]
	for i, v := range x {
		y[i] = float32(math.Tanh(float64(v)))
	}
}

// TanhBackward computes dx = dy * (1 - y²).
func TanhBackward(y, dy, dx []float32, accumulate bool) {
	need("tanh dy", dy, len(y))
	need("tanh dx", dx, len(y))
	dy, dx = dy[:len(y)], dx[:len(y)]
	for i, v := range y {
		store(dx, i, dy[i]*(1-v*v), accumulate)
	}
}

// store writes or adds v into dx[i].
func store(dx []float32, i int, v float32, accumulate bool) {
	if accumulate {
		dx[i] += v
	} else {
		dx[i] = v
	}
}

// ReLUForwardView is ReLUForward on strided views (see View).
func ReLUForwardView(x, y View) { mapView("relu", x, y, ReLUForward) }

// ReLUBackwardView is ReLUBackward on strided views.
func ReLUBackwardView(y, dy, dx View, accumulate bool) {
	mapGradView("relu", y, dy, dx, accumulate, ReLUBackward)
}

// ReLU6ForwardView is ReLU6Forward on strided views.
func ReLU6ForwardView(x, y View) { mapView("relu6", x, y, ReLU6Forward) }

// ReLU6BackwardView is ReLU6Backward on strided views.
func ReLU6BackwardView(y, dy, dx View, accumulate bool) {
	mapGradView("relu6", y, dy, dx, accumulate, ReLU6Backward)
}

// SigmoidForwardView is SigmoidForward on strided views.
func SigmoidForwardView(x, y View) { mapView("sigmoid", x, y, SigmoidForward) }

// SigmoidBackwardView is SigmoidBackward on strided views.
func SigmoidBackwardView(y, dy, dx View, accumulate bool) {
	mapGradView("sigmoid", y, dy, dx, accumulate, SigmoidBackward)
}

// TanhForwardView is TanhForward on strided views.
func TanhForwardView(x, y View) { mapView("tanh", x, y, TanhForward) }

// TanhBackwardView is TanhBackward on strided views.
func TanhBackwardView(y, dy, dx View, accumulate bool) {
	mapGradView("tanh", y, dy, dx, accumulate, TanhBackward)
}
