package runner

import (
	"fmt"
	"math"

	"github.com/netc/netc/compiler/ir"
	"github.com/netc/netc/compiler/plan"
	"github.com/netc/netc/kernels"
)

// convStep is a convolution with its bias, optionally a batchnorm folded in (inference)
// and an activation applied to its output, computed by the algorithm the plan chose.
type convStep struct {
	s       *plan.Step
	g       kernels.ConvGeom
	algo    kernels.ConvAlgo
	w, b    *Param
	ws, bws []float32 // forward and backward scratch
	// Folded weights when a batchnorm is folded in: w*gamma/sqrt(var+eps), and the bias
	// shifted to (b - mean)*gamma/sqrt(var+eps) + beta.
	fw, fb []float32
	bn     foldedBN
	// An inference plan's weights (folded or not) packed once for the GEMM
	// when they change, rather than by every chunk of every forward.
	pw *kernels.ConvPackedWeights
	// A batchnorm (and ReLU) applied to the input as the conv reads it (inference
	// plans, fuse-prenorm), its per-channel scale and shift set with the weights.
	pre   *kernels.PreNorm
	preBN foldedBN
}

func convGeom(a ir.Attrs, in, out ir.Shape, batch, inStride, outStride int) kernels.ConvGeom {
	return kernels.ConvGeom{N: batch, C: in[0], H: in[1], W: in[2], K: a.Out,
		KH: a.K[0], KW: a.K[1], SH: a.Stride[0], SW: a.Stride[1], PH: a.Pad[0], PW: a.Pad[1],
		DH: a.Dilation[0], DW: a.Dilation[1], Groups: a.Groups, XStride: inStride, YStride: outStride}
}

func (n *Net) bindConv(s *plan.Step) (bound, error) {
	x, y := n.Plan.Values[s.In[0]], n.Plan.Values[s.Out]
	g := convGeom(s.Attrs, x.Shape, y.Shape, n.Batch, x.At.Stride, y.At.Stride)
	if err := g.Init(); err != nil {
		return nil, err
	}
	if g.OH != y.Shape[1] || g.OW != y.Shape[2] {
		return nil, fmt.Errorf("plan says output %v, the kernel computes %dx%d", y.Shape, g.OH, g.OW)
	}
	algo := kernels.ConvIm2col
	if s.Algo != "" {
		var err error
		if algo, err = kernels.ParseConvAlgo(s.Algo); err != nil {
			return nil, err
		}
	}
	if !g.Supports(algo) {
		return nil, fmt.Errorf("the plan chose %s, which cannot compute this convolution", algo)
	}
	c := &convStep{s: s, g: g, algo: algo, w: n.param(s.Name, "weight"), b: n.param(s.Name, "bias")}
	if c.w == nil {
		return nil, fmt.Errorf("no weight")
	}
	fwd, bwd := g.Workspace(algo)
	if algo == kernels.ConvIm2col {
		fwd, bwd = g.ColSize(), g.ColSize()
	}
	if s.PreBN != "" {
		fwd = g.WorkspacePreNorm(algo)
	}
	var err error
	if c.ws, err = n.scratch(s.Workspace, fwd, "forward"); err != nil {
		return nil, err
	}
	if n.Training() {
		if c.bws, err = n.scratch(s.BackWorkspace, bwd, "backward"); err != nil {
			return nil, err
		}
	}
	if !n.Training() && kernels.PackedAlgo(algo) {
		c.pw = new(kernels.ConvPackedWeights)
	}
	if s.PreBN != "" {
		if c.preBN, err = n.foldedBN(s.PreBN); err != nil {
			return nil, err
		}
		c.preBN.eps = s.PreBNEps
		c.pre = new(kernels.PreNorm)
	}
	if s.FoldBN != "" {
		bn, err := n.foldedBN(s.FoldBN)
		if err != nil {
			return nil, err
		}
		bn.eps = s.BNEps
		c.bn = bn
		c.fw = make([]float32, len(c.w.Data))
		c.fb = make([]float32, s.Attrs.Out)
	}
	return c, nil
}

// scratch is a planned workspace, checked against what the kernel needs.
func (n *Net) scratch(pl *plan.Placement, need int, what string) ([]float32, error) {
	if need == 0 {
		return nil, nil
	}
	if pl == nil || n.Plan.Buffers[pl.Buffer].Bytes/4 < int64(need) {
		have := int64(0)
		if pl != nil {
			have = n.Plan.Buffers[pl.Buffer].Bytes / 4
		}
		return nil, fmt.Errorf("the kernel needs %d elements of %s scratch, the plan gives %d", need, what, have)
	}
	return n.arena[pl.Offset : pl.Offset+int64(need)], nil
}

// foldedBN names the batchnorm parameters folded into a conv or linear.
type foldedBN struct {
	gamma, beta, mean, variance *Param
	eps                         float64
}

func (n *Net) foldedBN(name string) (foldedBN, error) {
	bn := foldedBN{gamma: n.param(name, "weight"), beta: n.param(name, "bias"),
		mean: n.param(name, "running_mean"), variance: n.param(name, "running_var")}
	if bn.gamma == nil || bn.beta == nil || bn.mean == nil || bn.variance == nil {
		return bn, fmt.Errorf("batchnorm %s to fold has missing parameters", name)
	}
	return bn, nil
}

// fold computes the folded weights (w is [out, ...], one scale per output row)
// and packs the weights the forward uses, for an inference plan.
func (c *convStep) fold() {
	w := c.w.Data
	if c.fw != nil {
		foldInto(c.w.Data, c.b, c.bn, c.fw, c.fb)
		w = c.fw
	}
	if c.pw != nil {
		c.pw.Pack(c.g, c.algo, w)
	}
	if c.pre != nil {
		bn := c.preBN
		c.pre.SetBatchNorm(bn.eps, c.g.H*c.g.W, bn.gamma.Data, bn.beta.Data, bn.mean.Data, bn.variance.Data, c.s.PreAct == ir.OpReLU)
	}
}

func foldInto(w []float32, b *Param, bn foldedBN, fw, fb []float32) {
	out := len(fb)
	per := len(w) / out
	for o := 0; o < out; o++ {
		scale := float64(bn.gamma.Data[o]) / math.Sqrt(float64(bn.variance.Data[o])+bn.eps)
		for i := 0; i < per; i++ {
			fw[o*per+i] = float32(float64(w[o*per+i]) * scale)
		}
		bias := 0.0
		if b != nil {
			bias = float64(b.Data[o])
		}
		fb[o] = float32((bias-float64(bn.mean.Data[o]))*scale + float64(bn.beta.Data[o]))
	}
}

func (c *convStep) forward(n *Net, train bool) {
	w, b := c.w.Data, []float32(nil)
	if c.b != nil {
		b = c.b.Data
	}
	if c.fw != nil {
		w, b = c.fw, c.fb
	}
	x, y := n.value(c.s.In[0]), n.value(c.s.Out)
	relu := c.s.Act == ir.OpReLU && !c.s.Residual // applied in the GEMM's epilogue
	switch {
	case c.pre != nil:
		// The reference path leaves the activation to the step, as without pre.
		relu = relu && c.algo != kernels.ConvIm2col
		kernels.ConvForwardPreNorm(c.g, c.algo, c.pre, c.pw, x.Data, w, b, y.Data, c.ws, relu)
	case c.algo == kernels.ConvIm2col:
		kernels.ConvForward(c.g, x.Data, w, b, y.Data, c.ws)
		relu = false
	case c.pw != nil && !train:
		kernels.ConvForwardPacked(c.g, c.algo, c.pw, x.Data, b, y.Data, c.ws, relu)
	default:
		kernels.ConvForwardAlgo(c.g, c.algo, x.Data, w, b, y.Data, c.ws, relu)
	}
	if c.s.Residual {
		// Rounded as the unfused add and ReLU steps: (conv + bias) + r, then max(., 0).
		r := n.value(c.s.In[1])
		if c.s.Act == ir.OpReLU {
			kernels.AddReLUForwardView(y, r, y)
			return
		}
		kernels.AddForwardView(y, r, y)
	}
	if c.s.Act != "" && !relu {
		activation(c.s, y, y)
	}
}

func (c *convStep) backward(n *Net) {
	dy := n.grad(c.s.Out)
	if c.s.Act != "" {
		activationBackward(c.s, n.value(c.s.Out), dy, dy, false) // dy*act'(y), in place
	}
	var db []float32
	if c.b != nil {
		db = c.b.Grad
	}
	x := n.value(c.s.In[0])
	frozen := allFrozen(c.w, c.b)
	if c.algo == kernels.ConvIm2col {
		if !frozen {
			kernels.ConvBackwardFilter(c.g, x.Data, dy.Data, c.w.Grad, db, c.bws)
		}
		if c.s.NeedsGrad[0] {
			kernels.ConvBackwardData(c.g, c.w.Data, dy.Data, n.grad(c.s.In[0]).Data, c.bws, c.s.Accumulate[0])
		}
		return
	}
	if !frozen {
		kernels.ConvBackwardFilterAlgo(c.g, c.algo, x.Data, dy.Data, c.w.Grad, db, c.bws)
	}
	if c.s.NeedsGrad[0] {
		kernels.ConvBackwardDataAlgo(c.g, c.algo, c.w.Data, dy.Data, n.grad(c.s.In[0]).Data, c.bws, c.s.Accumulate[0])
	}
}
