package kernels

import "fmt"

// View is a batch tensor seen by an elementwise kernel: N samples of Len
// contiguous elements each, sample n at Data[n*Stride : n*Stride+Len].
// Stride 0 means dense (Len); otherwise it must be >= Len. Data starts at
// the view's first element (for a channel slice [off, off+c) of an NCHW
// tensor with CT channels: Data = base[off*H*W:], Len = c*H*W,
// Stride = CT*H*W) and needs Span elements; what lies between samples is
// never read or written.
//
// The *View kernels take one View per tensor, so every operand has its own
// stride; all must agree on N and Len. A View is a small value: passing it
// allocates nothing.
type View struct {
	Data   []float32
	N, Len int
	Stride int
}

// Span is the slice length the view needs: (N-1)*Stride + Len.
func (v View) Span() int { return span(v.N, v.Len, v.Stride) }

// Sample returns sample n's Len elements.
func (v View) Sample(n int) []float32 {
	o := n * orDense(v.Stride, v.Len)
	return v.Data[o : o+v.Len]
}

// contiguous reports whether the samples are back to back, so the view is
// one flat run of N*Len elements.
func (v View) contiguous() bool { return v.Stride == 0 || v.Stride == v.Len }

// check panics unless v is a valid view of n samples of l elements; op and
// role name it in the message (kept apart so that nothing is built unless
// it panics).
func (v View) check(op, role string, n, l int) {
	if v.N != n || v.Len != l {
		panic(fmt.Sprintf("kernels: %s %s is a view of %d×%d elements, want %d×%d", op, role, v.N, v.Len, n, l))
	}
	if v.N < 0 || v.Len < 0 || (v.Stride != 0 && v.Stride < v.Len) {
		panic(fmt.Sprintf("kernels: %s %s view has N=%d Len=%d Stride=%d; need N, Len >= 0 and Stride 0 or >= Len", op, role, v.N, v.Len, v.Stride))
	}
	if len(v.Data) < v.Span() {
		panic(fmt.Sprintf("kernels: %s %s has %d elements, need %d", op, role, len(v.Data), v.Span()))
	}
}

// mapView runs the dense f on x and y: once over the whole batch when both
// are contiguous, else sample by sample (same results, same order).
func mapView(op string, x, y View, f func(x, y []float32)) {
	x.check(op, "x", x.N, x.Len)
	y.check(op, "y", x.N, x.Len)
	if x.contiguous() && y.contiguous() {
		f(x.Data[:x.N*x.Len], y.Data)
		return
	}
	for n := 0; n < x.N; n++ {
		f(x.Sample(n), y.Sample(n))
	}
}

// mapGradView is mapView for a backward f(y, dy, dx, accumulate).
func mapGradView(op string, y, dy, dx View, accumulate bool, f func(y, dy, dx []float32, accumulate bool)) {
	y.check(op, "y", y.N, y.Len)
	dy.check(op, "dy", y.N, y.Len)
	dx.check(op, "dx", y.N, y.Len)
	if y.contiguous() && dy.contiguous() && dx.contiguous() {
		f(y.Data[:y.N*y.Len], dy.Data, dx.Data, accumulate)
		return
	}
	for n := 0; n < y.N; n++ {
		f(y.Sample(n), dy.Sample(n), dx.Sample(n), accumulate)
	}
}
