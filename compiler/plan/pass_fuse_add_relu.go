package plan

import "github.com/netc/netc/compiler/ir"

// fuseAddReLU applies a ReLU that follows a two-input add inside the add step, when
// nothing else reads the sum and both inputs have the sum's shape (training and
// inference):
//
//	a, b --add--> s --relu--> r      becomes      a, b --add+relu--> r
//
// Forward is one pass, relu(a + b), instead of two over the activations; backward
// hands dy*[r > 0] to both inputs' gradients in one pass instead of masking dy into
// the sum's gradient and copying it to each input. In inference a residual add after
// a conv is usually taken by fuse-residual first; this catches the others and every
// add in training.
func fuseAddReLU(g *Graph) (changed bool) {
	cons := g.consumers()
	for _, s := range g.Calls {
		if s.Dead || s.Op != ir.OpAdd || s.Act != "" || len(s.In) != 2 || s.In[0] == s.In[1] {
			continue
		}
		out := g.Tensors[s.Out]
		if !out.Shape.Equal(g.Tensors[s.In[0]].Shape) || !out.Shape.Equal(g.Tensors[s.In[1]].Shape) {
			continue // a broadcast add
		}
		if absorbReLU(g, cons, s) {
			changed = true
		}
	}
	return changed
}
