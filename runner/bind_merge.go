package runner

import (
	"github.com/netc/netc/compiler/ir"
	"github.com/netc/netc/compiler/plan"
	"github.com/netc/netc/kernels"
)

// addStep sums its inputs (residual connections); an input of C x 1 x 1 broadcasts over
// the others' positions.
type addStep struct {
	s         *plan.Step
	hw        int  // positions of the output
	broadcast bool // some input is C x 1 x 1 against a larger output
}

func (n *Net) bindAdd(s *plan.Step) (bound, error) {
	out := n.Plan.Values[s.Out].Shape
	a := &addStep{s: s, hw: 1}
	if len(out) == 3 {
		a.hw = out[1] * out[2]
	}
	for _, in := range s.In {
		if elems(n.Plan.Values[in].Shape) != elems(out) {
			a.broadcast = true
		}
	}
	return a, nil
}

func (a *addStep) forward(n *Net, train bool) {
	y := n.value(a.s.Out)
	if a.s.Act == ir.OpReLU {
		// fuse-add-relu: two inputs of the output's shape, one pass.
		kernels.AddReLUForwardView(n.value(a.s.In[0]), n.value(a.s.In[1]), y)
		return
	}
	if !a.broadcast {
		kernels.AddForwardView(n.value(a.s.In[0]), n.value(a.s.In[1]), y)
		for _, in := range a.s.In[2:] {
			kernels.AddForwardView(y, n.value(in), y)
		}
		return
	}
	kernels.AddBroadcastForwardView(n.value(a.s.In[0]), n.value(a.s.In[1]), y, a.hw)
	for _, in := range a.s.In[2:] {
		kernels.AddBroadcastForwardView(y, n.value(in), y, a.hw)
	}
}

func (a *addStep) backward(n *Net) {
	dy := n.grad(a.s.Out)
	if a.s.Act == ir.OpReLU {
		a.backwardReLU(n, dy)
		return
	}
	for i, in := range a.s.In {
		if !a.s.NeedsGrad[i] {
			continue
		}
		if a.broadcast {
			kernels.AddBroadcastBackwardView(dy, a.hw, n.grad(in), a.s.Accumulate[i])
		} else {
			kernels.AddBackwardView(dy, n.grad(in), a.s.Accumulate[i])
		}
	}
}

// concatStep copies the inputs that eliminate-concat could not place in their slice.
type concatStep struct{ s *plan.Step }

// slice is channels [off, off+len) of a value's batch, as a view of len elements.
func (c *concatStep) slice(v kernels.View, offElems, length int) kernels.View {
	return kernels.View{Data: v.Data[offElems:], N: v.N, Len: length, Stride: max(v.Stride, v.Len)}
}

func (c *concatStep) forward(n *Net, train bool) {
	y := n.value(c.s.Out)
	off := 0
	for i, in := range c.s.In {
		x := n.value(in)
		if c.s.Copy[i] {
			kernels.AddBackwardView(x, c.slice(y, off, x.Len), false) // a strided copy
		}
		off += x.Len
	}
}

func (c *concatStep) backward(n *Net) {
	dy := n.grad(c.s.Out)
	off := 0
	for i, in := range c.s.In {
		l := elems(n.Plan.Values[in].Shape)
		if c.s.Copy[i] && c.s.NeedsGrad[i] {
			kernels.AddBackwardView(c.slice(dy, off, l), n.grad(in), c.s.Accumulate[i])
		}
		off += l
	}
}

// copyStep is a flatten or identity the alias pass did not turn into a view.
type copyStep struct{ s *plan.Step }

func (c *copyStep) forward(n *Net, train bool) {
	kernels.AddBackwardView(n.value(c.s.In[0]), n.value(c.s.Out), false)
}

func (c *copyStep) backward(n *Net) {
	if c.s.NeedsGrad[0] {
		kernels.AddBackwardView(n.grad(c.s.Out), n.grad(c.s.In[0]), c.s.Accumulate[0])
	}
}

// dropoutStep zeroes elements with probability p in training; otherwise it copies.
type dropoutStep struct {
	s    *plan.Step
	mask []float32
}

func (d *dropoutStep) forward(n *Net, train bool) {
	active := train && !n.DropoutOff
	kernels.DropoutForwardView(float32(d.s.Attrs.P), active, n.rng, n.value(d.s.In[0]), n.value(d.s.Out), d.mask)
}

func (d *dropoutStep) backward(n *Net) {
	if d.s.NeedsGrad[0] {
		kernels.DropoutBackwardView(float32(d.s.Attrs.P), !n.DropoutOff, d.mask, n.grad(d.s.Out), n.grad(d.s.In[0]), d.s.Accumulate[0])
	}
}

// backwardReLU hands dy*[y > 0] to the gradients of both inputs of a fused add+relu in
// one pass (the same bits as the ReLU's backward followed by the add's). An input
// whose gradient lives in dy's storage (the add ran in place on it) is written in place.
func (a *addStep) backwardReLU(n *Net, dy kernels.View) {
	y := n.value(a.s.Out)
	need, acc := a.s.NeedsGrad, a.s.Accumulate
	switch {
	case need[0] && need[1]:
		kernels.AddReLUBackwardView(y, dy, n.grad(a.s.In[0]), n.grad(a.s.In[1]), acc[0], acc[1])
	case need[0]:
		kernels.ReLUBackwardView(y, dy, n.grad(a.s.In[0]), acc[0])
	case need[1]:
		kernels.ReLUBackwardView(y, dy, n.grad(a.s.In[1]), acc[1])
	}
}
