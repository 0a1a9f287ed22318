package kernels

// Dense entry points over whole slices, kept for the tests: they check the strided
// *View kernels the runner calls against these, and the fixtures against PyTorch.

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

// DropoutBackward computes dx = dy * mask (dx = dy when inactive). dx may
// alias dy when not accumulating.
func DropoutBackward(p float32, train bool, mask, dy, dx []float32, accumulate bool) {
	need("dropout dx", dx, len(dy))
	if dropoutActive(p, train) {
		need("dropout mask", mask, len(dy))
	}
	runDropoutBackward(p, train, mask, flat(dy), flat(dx[:len(dy)]), accumulate)
}

// AddForward computes y = a + b. y may alias a or b.
func AddForward(a, b, y []float32) {
	need("add b", b, len(a))
	need("add y", y, len(a))
	t := eltTask{op: eltAdd, a: flat(a), b: flat(b[:len(a)]), c: flat(y[:len(a)])}
	t.run(eltGrain)
}

// AddBackward passes dy to one input's gradient: dx = dy (or dx += dy).
// Call it once per input of the add. dx may alias dy when not accumulating
// (a no-op then).
func AddBackward(dy, dx []float32, accumulate bool) {
	need("add dx", dx, len(dy))
	runPass(flat(dy), flat(dx[:len(dy)]), accumulate)
}

// ConcatForward copies x [n][c][hw] into channels [off, off+c) of
// y [n][cTotal][hw].
func ConcatForward(n, hw, c, off, cTotal int, x, y []float32) {
	need("concat x", x, n*c*hw)
	need("concat y", y, n*cTotal*hw)
	if off < 0 || off+c > cTotal {
		panic("kernels: concat channel slice out of range")
	}
	runPass(View{Data: x, N: n, Len: c * hw}, concatSlice(n, hw, c, off, cTotal, y), false)
}

// ConcatBackward takes channels [off, off+c) of dy [n][cTotal][hw] as the
// gradient dx [n][c][hw] of one input.
func ConcatBackward(n, hw, c, off, cTotal int, dy, dx []float32, accumulate bool) {
	need("concat dy", dy, n*cTotal*hw)
	need("concat dx", dx, n*c*hw)
	if off < 0 || off+c > cTotal {
		panic("kernels: concat channel slice out of range")
	}
	runPass(concatSlice(n, hw, c, off, cTotal, dy), View{Data: dx, N: n, Len: c * hw}, accumulate)
}

// concatSlice is channels [off, off+c) of t [n][cTotal][hw] as a view.
func concatSlice(n, hw, c, off, cTotal int, t []float32) View {
	if n == 0 || c*hw == 0 {
		return View{N: n, Len: c * hw}
	}
	return View{Data: t[off*hw:], N: n, Len: c * hw, Stride: cTotal * hw}
}
