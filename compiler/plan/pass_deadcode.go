package plan

// deadcode drops steps that other passes fused away, and steps whose output nobody reads
// (nor is the network output, nor hosts another value):
//
//	conv  conv+relu  [relu, dead]       becomes      conv+relu
//
// Readers come after their producers in the schedule, so one walk from the last step
// back decides every step after all of its readers.
func deadcode(g *Graph) (changed bool) {
	readers := make([]int, len(g.Tensors))
	for _, s := range g.Calls {
		if !s.Dead {
			for _, in := range s.In {
				readers[in]++
			}
		}
	}
	for i := len(g.Calls) - 1; i >= 0; i-- {
		s := g.Calls[i]
		if s.Dead || s.Out == g.Output || readers[s.Out] > 0 || g.hosts(s.Out) {
			continue
		}
		s.Dead = true
		for _, in := range s.In {
			readers[in]--
		}
	}
	live := g.Calls[:0]
	for _, s := range g.Calls {
		if !s.Dead {
			live = append(live, s)
		}
	}
	changed = len(live) < len(g.Calls)
	g.Calls = live
	return changed
}
