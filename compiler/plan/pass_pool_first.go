package plan

import "github.com/netc/netc/compiler/ir"

// opAvgPool is the average pooling op (declared in internal/ops).
const opAvgPool ir.Op = "avgpool"

// poolFirst (inference plans only) swaps an unpadded average pooling with the 1x1 conv
// that alone feeds it, when the pooling shrinks the map: averaging commutes with a
// per-position linear map (and its bias, and a batchnorm folded into it), so the conv
// runs on the pooled input, on a fraction of the positions:
//
//	x --conv 1x1--> c --avgpool--> y      becomes      x --avgpool--> p --conv 1x1--> y
//
// DenseNet's transition layers (batchnorm, ReLU, 1x1 conv, 2x2 average pooling) spend 4x
// fewer multiply-adds. The sums are the same in real arithmetic, not in float32: the
// results move by a few ulps, which the parity tests (PyTorch's float64 reference) bound.
// An activation on the conv, padding (zeros pooled where the conv would have written its
// bias) or a conv output read elsewhere keeps them apart.
func poolFirst(g *Graph) (changed bool) {
	cons := g.consumers()
	for i, s := range g.Calls {
		a := s.Attrs
		if s.Dead || s.Op != ir.OpConv || a.K != [2]int{1, 1} || a.Stride != [2]int{1, 1} || a.Pad != [2]int{0, 0} ||
			a.Dilation != [2]int{1, 1} || s.Act != "" || s.Residual || s.PreBN != "" || len(s.In) != 1 {
			continue
		}
		c := cons[s.Out]
		if len(c) != 1 || c[0].Op != opAvgPool || c[0].Attrs.Pad != [2]int{0, 0} || c[0].Act != "" ||
			s.Out == g.Output || g.hosts(s.Out) || g.Tensors[s.Out].Root != s.Out {
			continue
		}
		pool := c[0]
		in, out := g.Tensors[s.In[0]], g.Tensors[pool.Out]
		if len(in.Shape) != 3 || 2*out.Shape[1]*out.Shape[2] > in.Shape[1]*in.Shape[2] {
			continue // the pooling must at least halve the positions
		}
		j := index(g.Calls, pool)
		if j != i+1 {
			continue // something runs in between: keep the schedule as it is
		}
		// The pooled input, a new value the pooling writes.
		p := &Tensor{ID: len(g.Tensors), Name: pool.Name, Shape: ir.Shape{in.Shape[0], out.Shape[1], out.Shape[2]}, Producer: pool}
		p.Root, p.owner = p.ID, p.ID
		g.Tensors = append(g.Tensors, p)
		pool.In[0], pool.Out = in.ID, p.ID
		s.In[0], s.Out = p.ID, out.ID
		out.Producer, out.Name = s, s.Name
		g.Calls[i], g.Calls[j] = pool, s
		changed = true
		cons = g.consumers()
	}
	return changed
}

func index(calls []*Call, c *Call) int {
	for i, x := range calls {
		if x == c {
			return i
		}
	}
	return -1
}
