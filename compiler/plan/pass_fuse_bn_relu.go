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
		c := cons[s.Out]
		if len(c) != 1 || c[0].Op != ir.OpReLU || s.Out == g.Output || g.hosts(s.Out) {
			continue
		}
		absorb(g, s, c[0])
		s.Act, changed = ir.OpReLU, true
	}
	return changed
}
