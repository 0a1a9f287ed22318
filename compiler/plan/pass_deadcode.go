package plan

// deadcode drops steps that other passes fused away, and steps whose output nobody reads
// (nor is the network output), repeating until nothing changes:
//
//	conv  conv+relu  [relu, dead]       becomes      conv+relu
func deadcode(g *Graph) {
	for {
		cons := g.consumers()
		changed := false
		live := g.Calls[:0]
		for _, s := range g.Calls {
			if !s.Dead && s.Out != g.Output && len(cons[s.Out]) == 0 && !g.hosts(s.Out) {
				s.Dead = true
				changed = true
			}
			if !s.Dead {
				live = append(live, s)
			}
		}
		g.Calls = live
		if !changed {
			return
		}
	}
}
