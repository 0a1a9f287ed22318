package runner

import (
	"github.com/netc/netc/compiler/ir"
	"github.com/netc/netc/compiler/plan"
	"github.com/netc/netc/kernels"
)

// OutsideArena is the memory running a plan takes besides its arena and its parameters
// (with their gradients), in bytes: copies of weights an inference plan keeps, and what
// the kernels keep per thread. Their sizes follow the kernels this CPU runs, so they are
// reported next to the plan, not in it.
type OutsideArena struct {
	Folded    int64 // inference: conv and linear weights with a batchnorm folded in
	Packed    int64 // inference: conv weights packed once into the GEMM's panels
	PerThread int64 // each thread beyond the first: a conv chunk's workspace and a weight-gradient partial
	GEMM      int64 // each thread: the GEMM's packing buffers
	PackOnce  int64 // the largest conv's weights packed once per pass that has none packed (training's forward)
}

// OutsideArenaOf estimates p's OutsideArena (an upper bound for the per-thread parts).
func OutsideArenaOf(p *plan.Plan) OutsideArena {
	var o OutsideArena
	var work, part, once int
	train := p.Mode == plan.Training
	for i := range p.Steps {
		s := &p.Steps[i]
		if s.Alias || len(s.In) == 0 {
			continue
		}
		x, y := p.Values[s.In[0]], p.Values[s.Out]
		switch s.Op {
		case ir.OpConv:
			g := convGeom(s.Attrs, x.Shape, y.Shape, p.Batch, x.At.Stride, y.At.Stride)
			if g.Init() != nil {
				continue // binding reports it
			}
			algo := kernels.ConvIm2col
			if s.Algo != "" {
				a, err := kernels.ParseConvAlgo(s.Algo)
				if err != nil {
					continue
				}
				algo = a
			}
			if !train {
				o.Packed = satAdd(o.Packed, 4*int64(g.PackedLen(algo)))
				if s.FoldBN != "" {
					o.Folded = satAdd(o.Folded, 4*int64(g.WeightLen()+g.K))
				}
			}
			if train || !kernels.PackedAlgo(algo) {
				once = max(once, g.PackOnceLen(algo))
			}
			w, pt := g.ThreadScratch(algo, train)
			if s.PreBN != "" && algo == kernels.ConvPointwise {
				w = max(w, g.WorkspacePreNorm(algo)) // each thread gathers its chunks
			}
			work, part = max(work, w), max(part, pt)
		case ir.OpLinear:
			if !train && s.FoldBN != "" {
				n := int64(s.Attrs.Out)
				o.Folded = satAdd(o.Folded, satMul(4*n, int64(elems(x.Shape))+1))
			}
		}
	}
	o.PerThread = 4 * (int64(work) + int64(part))
	o.GEMM = 4 * int64(kernels.GEMMThreadLen())
	o.PackOnce = 4 * int64(once)
	return o
}

// Total is the memory o takes on threads threads.
func (o OutsideArena) Total(threads int) int64 {
	t := int64(max(threads, 1))
	return satAdd(satAdd(satAdd(o.Folded, o.Packed), o.PackOnce), satAdd(satMul(t-1, o.PerThread), satMul(t, o.GEMM)))
}
