package memplan

import "fmt"

// Liveness returns, per buffer, the interval from the first step that touches it to the
// last one, inclusive. Temps live exactly their step. Pinned buffers live for the whole
// schedule, [0, len(Steps)-1] (step 0 when there are no steps), whether or not a step
// touches them. Buffers that no step touches and that are not pinned get {-1, -1}.
//
// It is an error to name a buffer id out of range, to read a non-pinned buffer that no
// earlier step wrote (a step's reads come before its own writes), to pin a scratch buffer,
// or to use a scratch buffer outside its one step.
func Liveness(p Problem) ([]Interval, error) {
	n := len(p.Sizes)
	if p.Pinned != nil && len(p.Pinned) != n {
		return nil, fmt.Errorf("memplan: Pinned has %d entries, want one per buffer (%d)", len(p.Pinned), n)
	}
	pinned := func(b int) bool { return p.Pinned != nil && p.Pinned[b] }

	live := make([]Interval, n)
	for b := range live {
		live[b] = Interval{-1, -1}
	}
	written := make([]bool, n)
	tempOf := make([]int, n) // step whose scratch buffer b is, or -1
	for b := range tempOf {
		tempOf[b] = -1
	}
	touch := func(b, s int) {
		if live[b].First < 0 {
			live[b].First = s
		}
		live[b].Last = s
	}

	where := func(s int) string { return fmt.Sprintf("step %d (%q)", s, p.Steps[s].Name) }
	check := func(s int, role string, ids []int) error {
		for _, b := range ids {
			if b < 0 || b >= n {
				return fmt.Errorf("memplan: %s: %s buffer id %d out of range [0, %d)", where(s), role, b, n)
			}
			if t := tempOf[b]; t >= 0 && (t != s || role != "scratch") {
				return fmt.Errorf("memplan: %s: %s buffer %d, which is scratch of step %d (%q); scratch belongs to one step only",
					where(s), role, b, t, p.Steps[t].Name)
			}
		}
		return nil
	}

	for s, st := range p.Steps {
		if err := check(s, "reads", st.Reads); err != nil {
			return nil, err
		}
		if err := check(s, "writes", st.Writes); err != nil {
			return nil, err
		}
		if err := check(s, "scratch", st.Temps); err != nil {
			return nil, err
		}
		for _, b := range st.Reads {
			if !written[b] && !pinned(b) {
				return nil, fmt.Errorf("memplan: %s: reads buffer %d, which no earlier step writes (pin it if the caller provides it)", where(s), b)
			}
			touch(b, s)
		}
		for _, b := range st.Writes {
			written[b] = true
			touch(b, s)
		}
		for _, b := range st.Temps {
			if tempOf[b] == s {
				continue // listed twice in the same step: harmless
			}
			if pinned(b) {
				return nil, fmt.Errorf("memplan: %s: scratch buffer %d is pinned; scratch lives one step only", where(s), b)
			}
			if f := live[b].First; f >= 0 {
				return nil, fmt.Errorf("memplan: %s: scratch buffer %d is already used by step %d (%q); scratch belongs to one step only",
					where(s), b, f, p.Steps[f].Name)
			}
			tempOf[b] = s
			touch(b, s)
		}
	}

	last := max(len(p.Steps)-1, 0)
	for b := range live {
		if pinned(b) {
			live[b] = Interval{0, last}
		}
	}
	return live, nil
}

// events lists allocations and releases in schedule order: for each step, the buffers
// whose interval starts there, then those whose interval ends there, each by ascending id.
// A counting sort by step keeps it linear and makes the order independent of any sort.
func events(live []Interval) []Event {
	steps, used := 0, 0
	for _, iv := range live {
		if iv.First >= 0 {
			steps = max(steps, iv.Last+1)
			used++
		}
	}
	allocs := make([]int, steps) // per step: how many allocs, then where the next one goes
	frees := make([]int, steps)
	for _, iv := range live {
		if iv.First >= 0 {
			allocs[iv.First]++
			frees[iv.Last]++
		}
	}
	pos := 0
	for s := range steps {
		na, nf := allocs[s], frees[s]
		allocs[s], frees[s] = pos, pos+na // a step's allocs come before its frees
		pos += na + nf
	}
	out := make([]Event, 2*used)
	for b, iv := range live { // ascending b, so ids come out sorted within each group
		if iv.First < 0 {
			continue
		}
		out[allocs[iv.First]] = Event{Step: iv.First, Buffer: b, Alloc: true}
		allocs[iv.First]++
		out[frees[iv.Last]] = Event{Step: iv.Last, Buffer: b}
		frees[iv.Last]++
	}
	return out
}
