package runner

import (
	"fmt"

	"github.com/netc/netc/compiler/plan"
	"github.com/netc/netc/kernels"
)

// linearStep is y = x W^T + b on a flat, dense input, with an optional folded batchnorm
// and activation.
type linearStep struct {
	s       *plan.Step
	in, out int
	w, b    *Param
	fw, fb  []float32
	bn      foldedBN
}

func (n *Net) bindLinear(s *plan.Step) (bound, error) {
	x, y := n.Plan.Values[s.In[0]], n.Plan.Values[s.Out]
	l := &linearStep{s: s, in: elems(x.Shape), out: s.Attrs.Out, w: n.param(s.Name, "weight"), b: n.param(s.Name, "bias")}
	if x.At.Stride != l.in || y.At.Stride != l.out {
		return nil, fmt.Errorf("linear needs dense input and output (strides %d, %d)", x.At.Stride, y.At.Stride)
	}
	if l.w == nil {
		return nil, fmt.Errorf("no weight")
	}
	if s.FoldBN != "" {
		bn, err := n.foldedBN(s.FoldBN)
		if err != nil {
			return nil, err
		}
		bn.eps = s.BNEps
		l.bn = bn
		l.fw = make([]float32, len(l.w.Data))
		l.fb = make([]float32, l.out)
	}
	return l, nil
}

func (l *linearStep) fold() {
	if l.fw != nil {
		foldInto(l.w.Data, l.b, l.bn, l.fw, l.fb)
	}
}

func (l *linearStep) forward(n *Net, train bool) {
	w, b := l.w.Data, []float32(nil)
	if l.b != nil {
		b = l.b.Data
	}
	if l.fw != nil {
		w, b = l.fw, l.fb
	}
	y := n.value(l.s.Out)
	kernels.LinearForward(n.Batch, l.in, l.out, n.value(l.s.In[0]).Data, w, b, y.Data)
	if l.s.Act != "" {
		activation(l.s, y, y)
	}
}

func (l *linearStep) backward(n *Net) {
	dy := n.grad(l.s.Out)
	if l.s.Act != "" {
		activationBackward(l.s, n.value(l.s.Out), dy, dy, false)
	}
	var db []float32
	if l.b != nil {
		db = l.b.Grad
	}
	if !allFrozen(l.w, l.b) {
		kernels.LinearBackwardParams(n.Batch, l.in, l.out, n.value(l.s.In[0]).Data, dy.Data, l.w.Grad, db)
	}
	if l.s.NeedsGrad[0] {
		kernels.LinearBackwardData(n.Batch, l.in, l.out, l.w.Data, dy.Data, n.grad(l.s.In[0]).Data, l.s.Accumulate[0])
	}
}
