package plan

import "github.com/netc/netc/compiler/ir"

// fuseActivation makes an activation that follows a conv or linear part of that step,
// when nothing else reads the pre-activation output. The runner applies a fused ReLU in
// the GEMM's epilogue, while the output tile is still in cache, for convs on the batched
// GEMM, direct 1x1 and Winograd paths; every other fused activation runs over the output
// right after the product, in the same step:
//
//	x --conv--> c --relu--> r           becomes      x --conv+relu--> r
//	x --linear--> l --sigmoid--> s      becomes      x --linear+sigmoid--> s
//
// In training the kernel's backward first turns dy into dy*act'(y), using the output it
// keeps anyway; an activation whose derivative needs its input (silu, gelu) stays a step
// of its own there.
func fuseActivation(g *Graph) (changed bool) {
	cons := g.consumers()
	for _, s := range g.Calls {
		if s.Dead || (s.Op != "conv" && s.Op != "linear") || s.Act != "" {
			continue
		}
		c := cons[s.Out]
		if len(c) != 1 || !c[0].Op.IsActivation() || s.Out == g.Output || g.hosts(s.Out) {
			continue
		}
		act := c[0]
		if g.Mode == Training && act.Op.Spec().Saves&ir.SavesInput != 0 {
			continue
		}
		absorb(g, s, act)
		s.Act, s.ActAttrs, changed = act.Op, &act.Attrs, true
	}
	return changed
}
