package runner

import (
	"fmt"

	"github.com/netc/netc/compiler/ir"
	"github.com/netc/netc/compiler/plan"
	"github.com/netc/netc/internal/ops"
	"github.com/netc/netc/kernels"
)

// funcStep runs an op through the Forward and Backward its declaration gives, seeing the
// step as an ops.Ctx.
type funcStep struct {
	s   *plan.Step
	run ops.Run
	n   *Net
	// params by suffix; kept is the mask buffer (what forward keeps for backward).
	params map[string]*Param
	kept   []float32
}

func (n *Net) bindFunc(s *plan.Step, run ops.Run) (bound, error) {
	f := &funcStep{s: s, run: run, n: n, params: map[string]*Param{}, kept: n.maskSlice(s)}
	for _, name := range s.Params {
		p := n.Params.Get(name)
		if p == nil {
			return nil, fmt.Errorf("parameter %s missing", name)
		}
		f.params[name[len(s.Name)+1:]] = p
	}
	return f, nil
}

func (f *funcStep) forward(n *Net, train bool) { f.run.Forward(f, train) }

func (f *funcStep) backward(n *Net) {
	if f.run.Backward != nil {
		f.run.Backward(f)
	}
}

func (f *funcStep) Attrs() ir.Attrs        { return f.s.Attrs }
func (f *funcStep) Batch() int             { return f.n.Batch }
func (f *funcStep) InShape(i int) ir.Shape { return f.n.Plan.Values[f.s.In[i]].Shape }
func (f *funcStep) OutShape() ir.Shape     { return f.n.Plan.Values[f.s.Out].Shape }
func (f *funcStep) In(i int) kernels.View  { return f.n.value(f.s.In[i]) }
func (f *funcStep) Out() kernels.View      { return f.n.value(f.s.Out) }
func (f *funcStep) OutGrad() kernels.View  { return f.n.grad(f.s.Out) }
func (f *funcStep) Kept() []float32        { return f.kept }
func (f *funcStep) RNG() *kernels.RNG      { return f.n.rng }
func (f *funcStep) Noise() bool            { return !f.n.DropoutOff }

func (f *funcStep) InGrad(i int) (kernels.View, bool, bool) {
	if len(f.s.NeedsGrad) <= i || !f.s.NeedsGrad[i] {
		return kernels.View{}, false, false
	}
	return f.n.grad(f.s.In[i]), f.s.Accumulate[i], true
}

func (f *funcStep) Param(suffix string) (data, grad []float32) {
	p := f.params[suffix]
	if p == nil {
		return nil, nil
	}
	return p.Data, p.Grad
}
