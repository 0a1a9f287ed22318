package kernels

// Merges of parallel branches: elementwise add (residual connections) and
// channel concatenation (Inception, DenseNet). Both are called once per
// input, so any number of branches can be merged without a variadic call.
// Where the planner writes each branch straight into its channel slice of
// the concat output (strided views, see View and the geometries' XStride
// and YStride), the concat kernels are not called at all; they remain for
// when a copy cannot be avoided.

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
// Call it once per input of the add. dx may alias dy when not accumulating
// (a no-op then).
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

// AddForwardView is AddForward on strided views (see View); each operand
// has its own stride. y may be the same view as a or b.
func AddForwardView(a, b, y View) {
	a.check("add", "a", a.N, a.Len)
	b.check("add", "b", a.N, a.Len)
	y.check("add", "y", a.N, a.Len)
	if a.contiguous() && b.contiguous() && y.contiguous() {
		AddForward(a.Data[:a.N*a.Len], b.Data, y.Data)
		return
	}
	for n := 0; n < a.N; n++ {
		AddForward(a.Sample(n), b.Sample(n), y.Sample(n))
	}
}

// AddBackwardView is AddBackward on strided views: dy has the add output's
// layout, dx the input's.
func AddBackwardView(dy, dx View, accumulate bool) {
	dy.check("add", "dy", dy.N, dy.Len)
	dx.check("add", "dx", dy.N, dy.Len)
	if dy.contiguous() && dx.contiguous() {
		AddBackward(dy.Data[:dy.N*dy.Len], dx.Data, accumulate)
		return
	}
	for n := 0; n < dy.N; n++ {
		AddBackward(dy.Sample(n), dx.Sample(n), accumulate)
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
