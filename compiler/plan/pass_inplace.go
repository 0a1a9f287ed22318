package plan

import "github.com/netc/netc/compiler/ir"

// inPlace lets an elementwise step overwrite an input that nothing needs any more:
//
//	c --relu--> r                 r takes c's storage
//	a, b --add--> y --relu--> r   y takes a's storage, then r takes y's
//
// An input can be overwritten when this step is its only reader, no other value lives in
// its storage, it is not the network input, and, in training, no backward step needs it
// (a conv needs its input, a ReLU its output; see savedForBackward).
func inPlace(g *Graph) (changed bool) {
	cons := g.consumers()
	for _, s := range g.Calls {
		if s.Dead || s.Alias || !s.Op.Spec().InPlace {
			continue
		}
		out := g.Tensors[s.Out]
		for _, in := range s.In {
			v := g.Tensors[in]
			if !overwritable(g, cons, s, v, out) {
				continue
			}
			if out.Root == out.ID && !g.hosts(out.ID) {
				g.attach(out, v.ID, 0) // the output takes the input's storage
			} else {
				g.attach(v, out.ID, 0) // the input moves into the output's slice
			}
			changed = true
			break
		}
	}
	return changed
}

func overwritable(g *Graph, cons [][]*Call, s *Call, v, out *Tensor) bool {
	if v.ID == g.Input || !v.Shape.Equal(out.Shape) || len(cons[v.ID]) != 1 || g.hosts(v.ID) {
		return false
	}
	n := 0
	for _, in := range s.In {
		if in == v.ID {
			n++
		}
	}
	if n != 1 {
		return false
	}
	if g.Mode == Training && g.savedForBackward(cons, v) {
		return false
	}
	ownsOut := out.Root == out.ID && !g.hosts(out.ID)
	ownsIn := v.Root == v.ID
	return ownsOut || ownsIn
}

// savedForBackward reports whether some backward step reads value v: its producer's
// backward when it needs its own output (relu, sigmoid, fused activations), or a
// consumer's backward when it needs its input (conv, linear, batchnorm, silu).
func (g *Graph) savedForBackward(cons [][]*Call, v *Tensor) bool {
	if p := v.Producer; p != nil && needsOutput(p) {
		return true
	}
	for _, c := range cons[v.ID] {
		if needsInput(c) {
			return true
		}
	}
	return false
}

func needsOutput(s *Call) bool { return s.Op.Spec().Saves&ir.SavesOutput != 0 || s.Act != "" }

// needsInput: max pooling's training backward reads the argmax indices its forward
// kept, not its input.
func needsInput(s *Call) bool { return s.Op.Spec().Saves&ir.SavesInput != 0 }
