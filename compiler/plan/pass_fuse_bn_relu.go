package plan

import "github.com/netc/netc/compiler/ir"

// fuseBatchNormReLU applies a ReLU that follows a batchnorm inside the batchnorm kernel,
// when nothing else reads the batchnorm's output (training and inference):
//
//	x --batchnorm--> b --relu--> r      becomes      x --batchnorm+relu--> r
func fuseBatchNormReLU(g *Graph) (changed bool) {
	cons := g.consumers()
	for _, s := range g.Calls {
		if s.Dead || s.Op != ir.OpBatchNorm || s.Act != "" {
			continue
		}
		if absorbReLU(g, cons, s) {
			changed = true
		}
	}
	return changed
}

// absorbReLU makes s apply the ReLU that is the only reader of its output, if there
// is one and the output is neither the graph's output nor hosted by another step.
func absorbReLU(g *Graph, cons [][]*Call, s *Call) bool {
	c := cons[s.Out]
	if len(c) != 1 || c[0].Op != ir.OpReLU || s.Out == g.Output || g.hosts(s.Out) {
		return false
	}
	absorb(g, s, c[0])
	s.Act = ir.OpReLU
	return true
}
