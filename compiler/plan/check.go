package plan

import (
	"fmt"

	"github.com/netc/netc/compiler/ir"
)

// Check verifies the step graph's invariants; tests run it after every pass.
//   - every live step reads values produced earlier (or the input) and writes a value
//     produced by no other live step;
//   - storage chains end at a value that owns its storage, and a view fits inside its
//     root's channels with the same height and width;
//   - the output is produced by a live step or is the input;
//   - fused activations sit only on conv, linear and batchnorm steps.
func (g *Graph) Check() error {
	produced := map[int]*Call{}
	ready := map[int]bool{g.Input: true}
	for i, s := range g.Calls {
		if s.Dead {
			continue
		}
		for _, in := range s.In {
			if in < 0 || in >= len(g.Tensors) {
				return fmt.Errorf("step %d %s reads value %d, which does not exist", i, s.Name, in)
			}
			if !ready[in] {
				return fmt.Errorf("step %d %s reads %s before it is computed", i, s.Name, g.Tensors[in].Name)
			}
		}
		if p, dup := produced[s.Out]; dup {
			return fmt.Errorf("steps %s and %s both write %s", p.Name, s.Name, g.Tensors[s.Out].Name)
		}
		produced[s.Out] = s
		ready[s.Out] = true
		if s.Act != "" && s.Op != ir.OpConv && s.Op != ir.OpLinear && s.Op != ir.OpBatchNorm {
			return fmt.Errorf("step %s: %s cannot carry a fused %s", s.Name, s.Op, s.Act)
		}
		if s.Op == ir.OpConcat && len(s.Copy) != len(s.In) {
			return fmt.Errorf("concat %s: %d copy flags for %d inputs", s.Name, len(s.Copy), len(s.In))
		}
	}
	if !ready[g.Output] {
		return fmt.Errorf("the output %s is not computed", g.Tensors[g.Output].Name)
	}
	for _, v := range g.Tensors {
		seen := map[int]bool{}
		id, off := v.ID, 0
		for g.Tensors[id].Root != id {
			if seen[id] {
				return fmt.Errorf("value %s: storage chain loops", v.Name)
			}
			seen[id] = true
			off += g.Tensors[id].Offset
			id = g.Tensors[id].Root
		}
		if id == v.ID {
			continue
		}
		root := g.Tensors[id]
		if v.Elems() == root.Elems() && off == 0 {
			continue // same storage, maybe reshaped
		}
		if len(v.Shape) != 3 || len(root.Shape) != 3 || v.Shape[1] != root.Shape[1] || v.Shape[2] != root.Shape[2] {
			return fmt.Errorf("value %s %s is a channel view of %s %s with another height or width", v.Name, v.Shape, root.Name, root.Shape)
		}
		if off < 0 || off+v.Shape[0] > root.Shape[0] {
			return fmt.Errorf("value %s: channels [%d, %d) outside %s's %d", v.Name, off, off+v.Shape[0], root.Name, root.Shape[0])
		}
	}
	return nil
}
