package runner

import (
	"github.com/netc/netc/compiler/plan"
	"github.com/netc/netc/internal/ops"
)

// actStep is a standalone activation.
type actStep struct {
	s   *plan.Step
	act *ops.Activation
}

func (a *actStep) forward(n *Net, train bool) {
	a.act.Forward(a.s.Attrs, n.value(a.s.In[0]), n.value(a.s.Out))
}

// backward hands the activation both its input and its output; the plan kept alive the
// one the op's declaration says it saves (the other may have been overwritten in place).
func (a *actStep) backward(n *Net) {
	if a.s.NeedsGrad[0] {
		a.act.Backward(a.s.Attrs, n.value(a.s.In[0]), n.value(a.s.Out), n.grad(a.s.Out), n.grad(a.s.In[0]), a.s.Accumulate[0])
	}
}
