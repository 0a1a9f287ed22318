package kernels

// Merges of parallel branches: elementwise add (residual connections) and
// channel concatenation (Inception, DenseNet). Both are called once per
// input, so any number of branches can be merged without a variadic call.
// Where the planner writes each branch straight into its channel slice of
// the concat output (strided views, see View and the geometries' XStride
// and YStride), the concat kernels are not called at all; they remain for
// when a copy cannot be avoided.
//
// All of them are elementwise tasks (see eltTask): large tensors are split
// across the kernel threads.

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

// AddForwardView is AddForward on strided views (see View); each operand
// has its own stride. y may be the same view as a or b.
func AddForwardView(a, b, y View) {
	a.check("add", "a", a.N, a.Len)
	b.check("add", "b", a.N, a.Len)
	y.check("add", "y", a.N, a.Len)
	if a.contiguous() && b.contiguous() && y.contiguous() {
		a, b, y = a.packed(), b.packed(), y.packed()
	}
	t := eltTask{op: eltAdd, a: a, b: b, c: y}
	t.run(eltGrain)
}

// AddBackwardView is AddBackward on strided views: dy has the add output's
// layout, dx the input's.
func AddBackwardView(dy, dx View, accumulate bool) {
	dy.check("add", "dy", dy.N, dy.Len)
	dx.check("add", "dx", dy.N, dy.Len)
	runPass(dy, dx, accumulate)
}

// runPass copies (or adds) src into dst, two views of the same shape.
func runPass(src, dst View, accumulate bool) {
	if src.contiguous() && dst.contiguous() {
		src, dst = src.packed(), dst.packed()
	}
	t := eltTask{op: eltPass, a: src, b: dst, acc: accumulate}
	t.run(eltGrain)
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

func addSpan(a, b, y []float32) {
	b, y = b[:len(a)], y[:len(a)]
	for i, v := range a {
		y[i] = v + b[i]
	}
}

// passSpan is dst = src or dst += src.
func passSpan(src, dst []float32, acc bool) {
	if !acc {
		copy(dst, src)
		return
	}
	dst = dst[:len(src)]
	for i, v := range src {
		dst[i] += v
	}
}
