package plan

import "github.com/netc/netc/compiler/ir"

// eliminateConcat places the inputs of a concat in their channel slices of its output, so
// that the steps producing them write there directly and the concat copies nothing:
//
//	p1 --\                                   p1 writes channels [0, 64) of y
//	p2 ---concat--> y (256 channels)  =>     p2 writes channels [64, 192) of y
//	p4 --/                                   p4 writes channels [192, 256) of y
//
// Concats are visited last to first, so nested concats (DenseNet: each dense layer's
// output is the first slice of the next one's) resolve into one shared buffer. An input
// that cannot move (the network input, a value already placed elsewhere, a view of
// something else) keeps being copied; the concat's Copy flags say which.
func eliminateConcat(g *Graph) (changed bool) {
	for i := len(g.Calls) - 1; i >= 0; i-- {
		s := g.Calls[i]
		if s.Dead || s.Op != ir.OpConcat {
			continue
		}
		off := 0
		for j, in := range s.In {
			v := g.Tensors[in]
			if placeable(g, s, v) {
				g.attach(v, s.Out, off)
				s.Copy[j], changed = false, true
			}
			off += v.Shape[0]
		}
	}
	return changed
}

func placeable(g *Graph, concat *Call, v *Tensor) bool {
	if v.ID == g.Input || v.Producer == nil || v.Root != v.ID || len(v.Shape) != 3 || g.hosts(v.ID) {
		return false
	}
	n := 0
	for _, in := range concat.In {
		if in == v.ID {
			n++
		}
	}
	return n == 1 // a value concatenated twice has two homes
}
