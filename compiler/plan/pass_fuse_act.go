package plan

// fuseActivation applies an activation that follows a conv or linear in the kernel's
// epilogue, while the output tile is still in cache, when nothing else reads the
// pre-activation output:
//
//	x --conv--> c --relu--> r           becomes      x --conv+relu--> r
//	x --linear--> l --sigmoid--> s      becomes      x --linear+sigmoid--> s
//
// In training the kernel's backward first turns dy into dy*act'(y), using the output it
// keeps anyway.
func fuseActivation(g *Graph) {
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
		absorb(g, s, act)
		s.Act = act.Op
	}
}
