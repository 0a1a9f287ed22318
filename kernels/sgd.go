package kernels

import "sync"

// SGD is torch.optim.SGD's update for one parameter tensor (1.13,
// _single_tensor_sgd, maximize=False):
//
//	g = grad + WeightDecay*w
//	buf = g on the first step, else Momentum*buf + (1-Dampening)*g
//	d = g + Momentum*buf if Nesterov, else buf   (d = g when Momentum == 0)
//	w -= LR * d
//
// Each element's update is independent, so large tensors are split across
// the kernel threads by element (results do not depend on the split).
type SGD struct {
	LR, Momentum, Dampening, WeightDecay float32
	Nesterov                             bool
}

// Step updates w in place from its gradient g. buf is the momentum buffer
// (unused, may be nil, when Momentum == 0); first says it is uninitialised,
// i.e. this is the parameter's first step. g is not modified.
func (o SGD) Step(w, g, buf []float32, first bool) {
	need("sgd grad", g, len(w))
	g = g[:len(w)]
	if o.Momentum != 0 {
		need("sgd momentum buffer", buf, len(w))
		buf = buf[:len(w)]
	}
	t := sgdTask{o: o, w: w, g: g, buf: buf, first: first}
	if len(w) < 2*sgdGrain || !sgdShared.mu.TryLock() {
		t.Run(0, len(w))
		return
	}
	sgdShared.t = t
	Parallel(len(w), sgdGrain, &sgdShared.t)
	sgdShared.t = sgdTask{} // do not pin the caller's slices
	sgdShared.mu.Unlock()
}

// sgdTask is one Step over elements [lo, hi) (see eltTask for why the
// workers get a shared long-lived copy).
type sgdTask struct {
	o         SGD
	w, g, buf []float32
	first     bool
}

const sgdGrain = 1 << 14

var sgdShared struct {
	mu sync.Mutex
	t  sgdTask
}

// Run updates elements [lo, hi). The options are tested outside the loops;
// every form computes the same expression, in the same order, as the
// formula above.
func (t *sgdTask) Run(lo, hi int) {
	o := t.o
	w := t.w[lo:hi]
	g := t.g[lo:hi:hi][:len(w)]
	lr, wd := o.LR, o.WeightDecay
	if o.Momentum == 0 {
		if wd == 0 {
			for i, wi := range w {
				w[i] = wi - lr*g[i]
			}
			return
		}
		for i, wi := range w {
			w[i] = wi - lr*(g[i]+wd*wi)
		}
		return
	}
	buf := t.buf[lo:hi:hi][:len(w)]
	mom, damp := o.Momentum, 1-o.Dampening
	switch {
	case t.first:
		for i, wi := range w {
			d := g[i]
			if wd != 0 {
				d += wd * wi
			}
			buf[i] = d
			if o.Nesterov {
				d += mom * d
			}
			w[i] = wi - lr*d
		}
	case o.Nesterov:
		for i, wi := range w {
			d := g[i]
			if wd != 0 {
				d += wd * wi
			}
			b := mom*buf[i] + damp*d
			buf[i] = b
			w[i] = wi - lr*(d+mom*b)
		}
	default:
		for i, wi := range w {
			d := g[i]
			if wd != 0 {
				d += wd * wi
			}
			b := mom*buf[i] + damp*d
			buf[i] = b
			w[i] = wi - lr*b
		}
	}
}
