package runner

import (
	"fmt"
	"unsafe"

	"github.com/netc/netc/compiler/ir"
	"github.com/netc/netc/compiler/plan"
	"github.com/netc/netc/kernels"
)

type poolStep struct {
	s      *plan.Step
	g      kernels.PoolGeom
	argmax []int32 // training max pooling: the window maxima's indices, for backward
	// An average pooling's input batchnorm (and ReLU), applied as it reads the input
	// (inference plans, fuse-prenorm), set from the parameters when they change.
	pre   *kernels.PreNorm
	preBN foldedBN
}

func (n *Net) bindPool(s *plan.Step) (bound, error) {
	x, y := n.Plan.Values[s.In[0]], n.Plan.Values[s.Out]
	a := s.Attrs
	g := kernels.PoolGeom{N: n.Batch, C: x.Shape[0], H: x.Shape[1], W: x.Shape[2], KH: a.K[0], KW: a.K[1],
		SH: a.Stride[0], SW: a.Stride[1], PH: a.Pad[0], PW: a.Pad[1], CeilMode: a.CeilMode,
		CountIncludePad: a.CountIncludePad, XStride: x.At.Stride, YStride: y.At.Stride}
	if err := g.Init(); err != nil {
		return nil, err
	}
	if g.OH != y.Shape[1] || g.OW != y.Shape[2] {
		return nil, fmt.Errorf("plan says output %v, the kernel computes %dx%d", y.Shape, g.OH, g.OW)
	}
	p := &poolStep{s: s, g: g, argmax: int32View(n.maskSlice(s))}
	if s.PreBN != "" {
		if s.Op != "avgpool" {
			return nil, fmt.Errorf("a %s cannot normalise its input", s.Op)
		}
		var err error
		if p.preBN, err = n.foldedBN(s.PreBN); err != nil {
			return nil, err
		}
		p.preBN.eps = s.PreBNEps
		p.pre = new(kernels.PreNorm)
	}
	return p, nil
}

// fold sets the input batchnorm's scale and shift from its parameters.
func (p *poolStep) fold() {
	if p.pre != nil {
		bn := p.preBN
		p.pre.SetBatchNorm(bn.eps, p.g.H*p.g.W, bn.gamma.Data, bn.beta.Data, bn.mean.Data, bn.variance.Data, p.s.PreAct == ir.OpReLU)
	}
}

func (p *poolStep) forward(n *Net, train bool) {
	x, y := n.value(p.s.In[0]).Data, n.value(p.s.Out).Data
	switch {
	case p.s.Op == ir.OpMaxPool && p.argmax != nil:
		kernels.MaxPoolForwardArgmax(p.g, x, y, p.argmax)
	case p.s.Op == ir.OpMaxPool:
		kernels.MaxPoolForward(p.g, x, y)
	case p.pre != nil:
		kernels.AvgPoolForwardPreNorm(p.g, p.pre, x, y)
	default:
		kernels.AvgPoolForward(p.g, x, y)
	}
}

func (p *poolStep) backward(n *Net) {
	if !p.s.NeedsGrad[0] {
		return
	}
	dy, dx := n.grad(p.s.Out).Data, n.grad(p.s.In[0]).Data
	if p.s.Op == ir.OpMaxPool {
		// The plan does not keep the input alive for this step's backward.
		kernels.MaxPoolBackwardArgmax(p.g, p.argmax, dy, dx, p.s.Accumulate[0])
	} else {
		kernels.AvgPoolBackward(p.g, dy, dx, p.s.Accumulate[0])
	}
}

type adaptiveStep struct {
	s *plan.Step
	g kernels.AdaptivePoolGeom
}

func (n *Net) bindAdaptivePool(s *plan.Step) (bound, error) {
	x, y := n.Plan.Values[s.In[0]], n.Plan.Values[s.Out]
	g := kernels.AdaptivePoolGeom{N: n.Batch, C: x.Shape[0], H: x.Shape[1], W: x.Shape[2], OH: y.Shape[1], OW: y.Shape[2],
		XStride: x.At.Stride, YStride: y.At.Stride}
	if err := g.Init(); err != nil {
		return nil, err
	}
	return &adaptiveStep{s: s, g: g}, nil
}

func (a *adaptiveStep) forward(n *Net, train bool) {
	kernels.AdaptiveAvgPoolForward(a.g, n.value(a.s.In[0]).Data, n.value(a.s.Out).Data)
}

func (a *adaptiveStep) backward(n *Net) {
	if a.s.NeedsGrad[0] {
		kernels.AdaptiveAvgPoolBackward(a.g, n.grad(a.s.Out).Data, n.grad(a.s.In[0]).Data, a.s.Accumulate[0])
	}
}

// int32View reinterprets a float32 arena slice as int32s (index buffers live
// in the arena as 4-byte slots).
func int32View(s []float32) []int32 {
	if len(s) == 0 {
		return nil
	}
	return unsafe.Slice((*int32)(unsafe.Pointer(&s[0])), len(s))
}
