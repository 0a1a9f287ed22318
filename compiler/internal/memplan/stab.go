package memplan

// stabber hands out, step by step in any order of steps, the buffers live at a step that
// were not handed out before; greedy by breadth asks it once per step. A segment tree
// over the steps holds each used buffer in the O(log steps) nodes that tile its interval;
// the nodes that contain a step are that step's leaf and its ancestors. Once a step is
// asked for, every buffer in those nodes is handed out, so their lists are dropped and
// each list is read once: linear in the buffers times log steps overall.
type stabber struct {
	leaves int     // a power of two, at least the number of steps
	lists  [][]int // per node (1 is the root; leaf of step s is leaves+s): buffers
	taken  []bool
}

func newStabber(steps int, live []Interval) *stabber {
	leaves := 1
	for leaves < steps {
		leaves *= 2
	}
	st := &stabber{leaves: leaves, lists: make([][]int, 2*leaves), taken: make([]bool, len(live))}
	for b, iv := range live {
		if iv.First < 0 {
			continue
		}
		// The standard bottom-up walk over the nodes that tile [First, Last].
		for l, r := iv.First+leaves, iv.Last+leaves+1; l < r; l, r = l/2, r/2 {
			if l&1 == 1 {
				st.lists[l] = append(st.lists[l], b)
				l++
			}
			if r&1 == 1 {
				r--
				st.lists[r] = append(st.lists[r], b)
			}
		}
	}
	return st
}

// take appends to out the buffers live at step s that no earlier call returned.
func (st *stabber) take(s int, out []int) []int {
	for i := s + st.leaves; i >= 1; i /= 2 {
		for _, b := range st.lists[i] {
			if !st.taken[b] {
				st.taken[b] = true
				out = append(out, b)
			}
		}
		st.lists[i] = nil
	}
	return out
}
