package plan

import "github.com/netc/netc/compiler/ir"

// fusePreNorm (inference plans only) applies a batchnorm, with the ReLU fused into it or
// none, inside the conv or average pooling that alone reads its output: the conv
// normalises its input as it unfolds or transforms it, the pooling each plane as it pools
// it, and the normalised tensor is never written.
//
//	x --batchnorm+relu--> r --conv--> y      becomes      x --[batchnorm+relu]conv--> y
//
// DenseNet's pre-activation layers re-normalise all the concatenated channels before every
// conv: as a step of their own, a pass writing (and the conv then reading back) a tensor
// as large as the block's features, for every layer. With running statistics the batchnorm
// is a per-channel affine map, but the ReLU after it keeps it out of the conv's weights
// (fold-batchnorm folds a batchnorm into the conv before it instead).
func fusePreNorm(g *Graph) (changed bool) {
	cons := g.consumers()
	for _, s := range g.Calls {
		if s.Dead || s.Op != ir.OpBatchNorm || (s.Act != "" && s.Act != ir.OpReLU) || len(g.Tensors[s.In[0]].Shape) != 3 {
			continue
		}
		c := cons[s.Out]
		if len(c) != 1 || (c[0].Op != ir.OpConv && c[0].Op != opAvgPool) || c[0].PreBN != "" || c[0].In[0] != s.Out || s.Out == g.Output || g.hosts(s.Out) {
			continue
		}
		r := c[0]
		r.In[0] = s.In[0]
		r.PreBN, r.PreAct = s.Name, s.Act
		r.Fused = append(append([]string{s.Name}, s.Fused...), r.Fused...)
		s.Dead, changed = true, true
	}
	return changed
}
