package plan

import "github.com/netc/netc/compiler/ir"

// fuseResidual makes a residual add that follows a conv part of that conv (inference),
// when nothing else reads the conv's output and the add's other input is computed before
// the conv runs. The conv then reads that value as its second input and adds it to its
// output before any fused activation, so the ReLU after a ResNet block's add fuses too
// (fuse-activation runs later):
//
//	x --conv--> c --add(c, r)--> a --relu--> o    becomes    x, r --conv+add+relu--> o
//
// Inference only: training's add backward is a gradient copy the conv does not keep.
func fuseResidual(g *Graph) (changed bool) {
	if g.Mode != Inference {
		return false
	}
	cons := g.consumers() // a fusion changes no count this pass reads: only conv outputs'
	at := make(map[*Call]int, len(g.Calls))
	for i, s := range g.Calls {
		at[s] = i
	}
	for _, add := range g.Calls {
		if add.Dead || add.Op != ir.OpAdd || len(add.In) != 2 || add.In[0] == add.In[1] {
			continue
		}
		for i, in := range add.In {
			conv := g.Tensors[in].Producer
			r := add.In[1-i]
			if conv == nil || conv.Dead || conv.Op != ir.OpConv || conv.Act != "" || conv.Residual ||
				len(cons[in]) != 1 || in == g.Output || g.hosts(in) || !computedBefore(g, r, at[conv], at) ||
				!sameShape(g.Tensors[in].Shape, g.Tensors[r].Shape) {
				continue
			}
			absorb(g, conv, add)
			conv.In = append(conv.In, r)
			conv.Residual, changed = true, true
			break
		}
	}
	return changed
}

// computedBefore reports whether value v is ready when the step at schedule position pos
// runs: it is the network input or an earlier live step writes it.
func computedBefore(g *Graph, v, pos int, at map[*Call]int) bool {
	p := g.Tensors[v].Producer
	return p == nil && v == g.Input || p != nil && !p.Dead && at[p] < pos
}

func sameShape(a, b ir.Shape) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
