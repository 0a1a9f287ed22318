package kernels

// Merges of parallel branches: elementwise add (residual connections) and
// channel concatenation (Inception, DenseNet). Both are called once per
// input, so any number of branches can be merged without a variadic call.

// AddForward computes y = a + b. y may alias a or b.
func AddForward(a, b, y []float32) {
	need("add b", b, len(a))
	need("add y", y, len(a))
	b, y = b[:len(a)], y[:len(a)]
	for i, v := range a {
		y[i] = v + b[i]
	}
}

// AddBackward passes dy to one input's gradient: dx = dy (or dx += dy).
// Call it once per input of the add.
func AddBackward(dy, dx []float32, accumulate bool) {
	need("add dx", dx, len(dy))
	dx = dx[:len(dy)]
	if !accumulate {
		copy(dx, dy)
		return
	}
	for i, d := range dy {
		dx[i] += d
	}
}

// ConcatForward copies x [n][c][hw] into channels [off, off+c) of
// y [n][cTotal][hw].
func ConcatForward(n, hw, c, off, cTotal int, x, y []float32) {
	need("concat x", x, n*c*hw)
	need("concat y", y, n*cTotal*hw)
	if off < 0 || off+c > cTotal {
		panic("kernels: concat channel slice out of range")
	}
	for i := 0; i < n; i++ {
		copy(y[(i*cTotal+off)*hw:(i*cTotal+off+c)*hw], x[i*c*hw:(i+1)*c*hw])
	}
}

// ConcatBackward takes channels [off, off+c) of dy [n][cTotal][hw] as the
// gradient dx [n][c][hw] of one input.
func ConcatBackward(n, hw, c, off, cTotal int, dy, dx []float32, accumulate bool) {
	need("concat dy", dy, n*cTotal*hw)
	need("concat dx", dx, n*c*hw)
	if off < 0 || off+c > cTotal {
		panic("kernels: concat channel slice out of range")
	}
	for i := 0; i < n; i++ {
		AddBackward(dy[(i*cTotal+off)*hw:(i*cTotal+off+c)*hw], dx[i*c*hw:(i+1)*c*hw], accumulate)
	}
}
