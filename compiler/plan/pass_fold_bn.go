package plan

import "github.com/netc/netc/compiler/ir"

// foldBatchNorm (inference plans only) folds a batchnorm into the conv or linear that
// feeds it, when nothing else reads the conv's output:
//
//	x --conv--> c --batchnorm--> b      becomes      x --conv[+batchnorm]--> b
//
// With running statistics fixed, batchnorm is an affine map per channel, so the runner
// scales the conv's weights by gamma/sqrt(var+eps) and shifts its bias once, at bind time.
func foldBatchNorm(g *Graph) (changed bool) {
	cons := g.consumers()
	for _, s := range g.Calls {
		if s.Dead || s.Op != ir.OpBatchNorm || s.Act != "" {
			continue
		}
		p := g.Tensors[s.In[0]].Producer
		if p == nil || p.Dead || (p.Op != ir.OpConv && p.Op != ir.OpLinear) || p.Act != "" || p.FoldBN != "" {
			continue
		}
		if len(cons[p.Out]) != 1 || p.Out == g.Output || g.hosts(p.Out) {
			continue
		}
		absorb(g, p, s)
		p.FoldBN, changed = s.Name, true
	}
	return changed
}

// absorb makes step p compute step s as well: p writes s's output and s dies.
func absorb(g *Graph, p, s *Call) {
	p.Fused = append(p.Fused, s.Name)
	p.Fused = append(p.Fused, s.Fused...)
	p.Out = s.Out
	g.Tensors[s.Out].Producer = p
	s.Dead = true
}
