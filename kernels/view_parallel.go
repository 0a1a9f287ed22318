package kernels

import "sync"

// eltTask runs one elementwise kernel over views split across the kernel
// threads. The range is the flat element index of the batch, [0, N*Len), so
// a chunk may start or end inside a sample: dense tensors and strided views
// split equally well, whatever N is. Each element's result depends only on
// that element, so results do not depend on the split.
//
// One struct serves every elementwise kernel (op selects the loop), so a
// single long-lived copy can be handed to the workers: Parallel takes a Task
// interface, and a pointer to a caller's local would escape to the heap on
// every call.
type eltTask struct {
	op      eltOp
	acc     bool
	a, b, c View      // operands, in the order the op's span function takes them
	d       View      // add+relu backward: the second input's gradient
	accD    bool      // add+relu backward: d += rather than d =
	mask    []float32 // dropout backward: dense, N*Len
}

type eltOp uint8

const (
	eltReLU eltOp = iota
	eltReLUBackward
	eltReLU6
	eltReLU6Backward
	eltSigmoid
	eltSigmoidBackward
	eltTanh
	eltTanhBackward
	eltAdd         // c = a + b
	eltAddReLU     // c = max(a + b, 0)
	eltAddReLUBack // c = b*[a > 0] and d = b*[a > 0] (or +=): both inputs' gradients
	eltPass        // b = a or b += a (add backward, concat, identity dropout)
	eltDropoutBack // b = a*mask or b += a*mask
)

// eltGrain is the elements per chunk below which a kernel stays on the
// calling thread: waking a worker costs a few microseconds, about the time
// to stream 16K floats. The exp-based kernels do ~10x more work per element.
const (
	eltGrain    = 1 << 14
	eltExpGrain = 1 << 11
)

var eltShared struct {
	mu sync.Mutex
	t  eltTask
}

// flat returns a dense slice as a one-sample view.
func flat(s []float32) View { return View{Data: s, N: 1, Len: len(s)} }

// packed returns v as one flat sample when its samples are back to back
// (fewer, longer spans per chunk), else v itself.
func (v View) packed() View {
	if v.contiguous() && v.N > 1 {
		return View{Data: v.Data[:v.N*v.Len], N: 1, Len: v.N * v.Len}
	}
	return v
}

// run runs t over all its elements, on the kernel threads when there are at
// least two chunks of grain elements. A call made while another elementwise
// kernel holds the shared copy runs on the caller alone (same results).
func (t *eltTask) run(grain int) {
	n := t.a.N * t.a.Len
	if n < 2*grain || !eltShared.mu.TryLock() {
		t.Run(0, n)
		return
	}
	eltShared.t = *t
	Parallel(n, grain, &eltShared.t)
	eltShared.t = eltTask{} // do not pin the caller's slices
	eltShared.mu.Unlock()
}

// Run applies the op to flat elements [lo, hi), one sample piece at a time.
func (t *eltTask) Run(lo, hi int) {
	l := t.a.Len
	for lo < hi {
		n, i := lo/l, lo%l
		j := min(l, i+hi-lo)
		t.span(n, i, j)
		lo += j - i
	}
}

// span applies the op to elements [i, j) of sample n.
func (t *eltTask) span(n, i, j int) {
	a := t.a.Sample(n)[i:j]
	b := t.b.Sample(n)[i:j]
	switch t.op {
	case eltReLU:
		reluSpan(a, b)
	case eltReLU6:
		relu6Span(a, b)
	case eltSigmoid:
		sigmoidSpan(a, b)
	case eltTanh:
		tanhSpan(a, b)
	case eltReLUBackward:
		reluBackSpan(a, b, t.c.Sample(n)[i:j], t.acc)
	case eltReLU6Backward:
		relu6BackSpan(a, b, t.c.Sample(n)[i:j], t.acc)
	case eltSigmoidBackward:
		sigmoidBackSpan(a, b, t.c.Sample(n)[i:j], t.acc)
	case eltTanhBackward:
		tanhBackSpan(a, b, t.c.Sample(n)[i:j], t.acc)
	case eltAdd:
		addSpan(a, b, t.c.Sample(n)[i:j])
	case eltAddReLU:
		addReLUSpan(a, b, t.c.Sample(n)[i:j])
	case eltAddReLUBack:
		addReLUBackSpan(a, b, t.c.Sample(n)[i:j], t.d.Sample(n)[i:j], t.acc, t.accD)
	case eltPass:
		passSpan(a, b, t.acc)
	case eltDropoutBack:
		o := n * t.a.Len
		maskSpan(t.mask[o+i:o+j], a, b, t.acc)
	}
}

// runForward runs a forward op y = f(x) on two views of equal shape.
func runForward(op eltOp, grain int, x, y View) {
	if x.contiguous() && y.contiguous() {
		x, y = x.packed(), y.packed()
	}
	t := eltTask{op: op, a: x, b: y}
	t.run(grain)
}

// runBackward runs a backward op dx = f(y, dy) on three views.
func runBackward(op eltOp, grain int, y, dy, dx View, acc bool) {
	if y.contiguous() && dy.contiguous() && dx.contiguous() {
		y, dy, dx = y.packed(), dy.packed(), dx.packed()
	}
	t := eltTask{op: op, a: y, b: dy, c: dx, acc: acc}
	t.run(grain)
}
