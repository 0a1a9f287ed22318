package runner

import (
	"fmt"

	"github.com/netc/netc/compiler/ir"
	"github.com/netc/netc/compiler/plan"
	"github.com/netc/netc/kernels"
)

// bnStep is batchnorm (2-d or 1-d), optionally with a fused ReLU. In training it
// normalizes with batch statistics, updates the running ones and keeps the batch mean and
// inverse deviation for backward; otherwise it uses the running statistics.
type bnStep struct {
	s                           *plan.Step
	g                           kernels.BatchNormGeom
	gamma, beta, mean, variance *Param
	saveMean, saveInvStd        []float32
}

func (n *Net) bindBatchNorm(s *plan.Step) (bound, error) {
	x, y := n.Plan.Values[s.In[0]], n.Plan.Values[s.Out]
	hw := 1
	if len(x.Shape) == 3 {
		hw = x.Shape[1] * x.Shape[2]
	}
	c := x.Shape[0]
	b := &bnStep{s: s,
		g: kernels.BatchNormGeom{N: n.Batch, C: c, HW: hw, Eps: s.Attrs.Eps, Momentum: s.Attrs.Momentum,
			XStride: x.At.Stride, YStride: y.At.Stride},
		gamma: n.param(s.Name, "weight"), beta: n.param(s.Name, "bias"),
		mean: n.param(s.Name, "running_mean"), variance: n.param(s.Name, "running_var"),
		saveMean: make([]float32, c), saveInvStd: make([]float32, c)}
	if err := b.g.Init(); err != nil {
		return nil, err
	}
	if b.gamma == nil || b.beta == nil || b.mean == nil || b.variance == nil {
		return nil, fmt.Errorf("batchnorm parameters missing")
	}
	return b, nil
}

func (b *bnStep) forward(n *Net, train bool) {
	x, y := n.value(b.s.In[0]).Data, n.value(b.s.Out).Data
	relu := b.s.Act == ir.OpReLU
	switch {
	case train && relu:
		kernels.BatchNormReLUForwardTrain(b.g, x, b.gamma.Data, b.beta.Data, y, b.mean.Data, b.variance.Data, b.saveMean, b.saveInvStd)
	case train:
		kernels.BatchNormForwardTrain(b.g, x, b.gamma.Data, b.beta.Data, y, b.mean.Data, b.variance.Data, b.saveMean, b.saveInvStd)
	case relu:
		kernels.BatchNormReLUForwardEval(b.g, x, b.gamma.Data, b.beta.Data, b.mean.Data, b.variance.Data, y)
	default:
		kernels.BatchNormForwardEval(b.g, x, b.gamma.Data, b.beta.Data, b.mean.Data, b.variance.Data, y)
	}
}

func (b *bnStep) backward(n *Net) {
	x, dy := n.value(b.s.In[0]).Data, n.grad(b.s.Out).Data
	var dx []float32
	if b.s.NeedsGrad[0] {
		dx = n.grad(b.s.In[0]).Data
	}
	acc := b.s.NeedsGrad[0] && b.s.Accumulate[0]
	if b.s.Act == ir.OpReLU {
		kernels.BatchNormReLUBackward(b.g, x, n.value(b.s.Out).Data, dy, b.gamma.Data, b.saveMean, b.saveInvStd, dx, b.gamma.Grad, b.beta.Grad, acc)
		return
	}
	kernels.BatchNormBackward(b.g, x, dy, b.gamma.Data, b.saveMean, b.saveInvStd, dx, b.gamma.Grad, b.beta.Grad, acc)
}
