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
// allocates nothing. Large views are split across the kernel threads by
// flat element index, chunks starting anywhere in a sample (eltTask).
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
