package plan

import (
	"fmt"

	"github.com/netc/netc/compiler/ir"
)

// Check verifies the step graph's invariants; tests run it after every pass.
//   - every live step reads values produced earlier (or the input) and writes a value
//     produced by no other live step;
//   - storage chains end at a value that owns its storage, what attach recorded agrees
//     with the chains, and a view fits inside its root's channels with the same height
//     and width;
//   - the output is produced by a live step or is the input;
//   - fused activations sit only on conv, linear and batchnorm steps, and a ReLU on adds.
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
		if s.Act != "" && s.Op != ir.OpConv && s.Op != ir.OpLinear && s.Op != ir.OpBatchNorm && (s.Op != ir.OpAdd || s.Act != ir.OpReLU) {
			return fmt.Errorf("step %s: %s cannot carry a fused %s", s.Name, s.Op, s.Act)
		}
		if s.Residual && (s.Op != ir.OpConv || len(s.In) != 2) {
			return fmt.Errorf("step %s: a fused residual needs a conv with two inputs, found %s with %d", s.Name, s.Op, len(s.In))
		}
		if s.Op == ir.OpConcat && len(s.Copy) != len(s.In) {
			return fmt.Errorf("concat %s: %d copy flags for %d inputs", s.Name, len(s.Copy), len(s.In))
		}
	}
	if !ready[g.Output] {
		return fmt.Errorf("the output %s is not computed", g.Tensors[g.Output].Name)
	}
	owner, offset, err := g.followChains()
	if err != nil {
		return err
	}
	guests := make([]int, len(g.Tensors))
	for _, v := range g.Tensors {
		if v.Root != v.ID {
			guests[v.Root]++
		}
	}
	for _, v := range g.Tensors {
		if v.owner != owner[v.ID] || v.ownerOffset != offset[v.ID] || v.guests != guests[v.ID] {
			return fmt.Errorf("value %s: recorded storage %s+%d with %d guests, but its chain ends at %s+%d and %d values live in it",
				v.Name, g.Tensors[v.owner].Name, v.ownerOffset, v.guests, g.Tensors[owner[v.ID]].Name, offset[v.ID], guests[v.ID])
		}
		if owner[v.ID] == v.ID {
			continue
		}
		root, off := g.Tensors[owner[v.ID]], offset[v.ID]
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

// followChains follows every storage chain to its end without trusting what attach
// recorded, visiting each value once: owner and offset per value.
func (g *Graph) followChains() (owner, offset []int, err error) {
	n := len(g.Tensors)
	owner, offset = make([]int, n), make([]int, n)
	state := make([]byte, n) // 0 not seen, 1 on the current chain, 2 resolved
	var chain []int
	for start := range g.Tensors {
		chain = chain[:0]
		id := start
		for state[id] == 0 {
			v := g.Tensors[id]
			if v.Root < 0 || v.Root >= n {
				return nil, nil, fmt.Errorf("value %s: storage in value %d, which does not exist", v.Name, v.Root)
			}
			if v.Root == id {
				owner[id], offset[id], state[id] = id, 0, 2
				break
			}
			state[id] = 1
			chain = append(chain, id)
			id = v.Root
		}
		if state[id] == 1 {
			return nil, nil, fmt.Errorf("value %s: storage chain loops", g.Tensors[id].Name)
		}
		for i := len(chain) - 1; i >= 0; i-- { // resolve back down the chain
			c := g.Tensors[chain[i]]
			owner[c.ID], offset[c.ID], state[c.ID] = owner[c.Root], offset[c.Root]+c.Offset, 2
		}
	}
	return owner, offset, nil
}
