package plan

import "github.com/netc/netc/compiler/ir"

// alias turns steps that compute nothing into views of their input:
//
//	x (256x5x5) --flatten--> y (6400)       y is x's storage, seen as 6400 features
//	x --dropout--> y          (inference)   y is x's storage
//	x --identity--> y                       y is x's storage
//
// The step stays in the schedule, marked Alias, so the runner skips it. A strided channel
// slice (a value placed inside a concat) cannot be reshaped in place; its flatten stays a
// copy.
func alias(g *Graph) (changed bool) {
	for _, s := range g.Calls {
		if s.Dead || !aliasable(g, s) {
			continue
		}
		in, out := g.Tensors[s.In[0]], g.Tensors[s.Out]
		root, off := g.rootOf(in.ID)
		if off != 0 || g.Tensors[root].Elems() != in.Elems() || out.Root != out.ID || g.hosts(out.ID) {
			continue
		}
		g.attach(out, in.ID, 0)
		s.Alias, changed = true, true
	}
	return changed
}

func aliasable(g *Graph, s *Call) bool {
	switch s.Op.Spec().Alias {
	case ir.AliasAlways:
		return true
	case ir.AliasInference:
		return g.Mode == Inference || s.Attrs.P == 0
	}
	return false
}
