package memplan

import (
	"fmt"
	"strings"
)

// fromIntervals builds a schedule in which buffer b is written at step live[b].First and
// read at live[b].Last (only written, when the two coincide), so Liveness must give back
// exactly live.
func fromIntervals(sizes []int64, live []Interval) Problem {
	steps := 0
	for _, iv := range live {
		steps = max(steps, iv.Last+1)
	}
	p := Problem{Steps: make([]Step, steps), Sizes: sizes, Align: 1}
	for b, iv := range live {
		p.Steps[iv.First].Writes = append(p.Steps[iv.First].Writes, b)
		if iv.Last > iv.First {
			p.Steps[iv.Last].Reads = append(p.Steps[iv.Last].Reads, b)
		}
	}
	for s := range p.Steps {
		p.Steps[s].Name = fmt.Sprintf("op%d", s)
	}
	return p
}

// formatEvents renders events compactly: "step:+buf" for an alloc, "step:-buf" for a free.
func formatEvents(ev []Event) string {
	parts := make([]string, len(ev))
	for i, e := range ev {
		sign := "-"
		if e.Alloc {
			sign = "+"
		}
		parts[i] = fmt.Sprintf("%d:%s%d", e.Step, sign, e.Buffer)
	}
	return strings.Join(parts, " ")
}

// lbDirect is the lower bound the slow way: for every step, add up who is live.
func lbDirect(sizes []int64, live []Interval) int64 {
	var best int64
	for s := 0; ; s++ {
		more := false
		var sum int64
		for b, iv := range live {
			if iv.First >= 0 && iv.Last >= s {
				more = true
			}
			if iv.Contains(s) {
				sum += sizes[b]
			}
		}
		if !more {
			return best
		}
		best = max(best, sum)
	}
}

// optimumByOrders is an exact oracle: the smallest arena over all visiting orders with
// first fit (each buffer at the lowest offset where it fits). It is exact because, given
// an optimal placement, visiting buffers by increasing optimal offset puts each one at or
// below its optimal offset: every buffer placed before it sits at or below its own optimal
// offset, hence entirely below this one's, so the optimal offset is still free. A
// depth-first search shares prefixes and prunes branches already as high as the best.
func optimumByOrders(sizes []int64, live []Interval) int64 {
	n := len(sizes)
	var best int64
	for _, s := range sizes {
		best += s // stacking everything always works
	}
	lb := lbDirect(sizes, live)
	off := make([]int64, n)
	used := make([]bool, n)
	var dfs func(depth int, height int64)
	dfs = func(depth int, height int64) {
		if depth == n {
			best = min(best, height)
			return
		}
		for b := range n {
			if used[b] || best == lb {
				continue
			}
			o := lowestFit(b, sizes, live, off, used)
			h := max(height, o+sizes[b])
			if h >= best {
				continue
			}
			used[b], off[b] = true, o
			dfs(depth+1, h)
			used[b] = false
		}
	}
	dfs(0, 0)
	return best
}

// lowestFit is the lowest offset for b that clashes with no placed, time-overlapping
// buffer: 0 or the end of one of them.
func lowestFit(b int, sizes []int64, live []Interval, off []int64, used []bool) int64 {
	fits := func(o int64) bool {
		for c := range sizes {
			if used[c] && live[c].Overlaps(live[b]) && o < off[c]+sizes[c] && off[c] < o+sizes[b] {
				return false
			}
		}
		return true
	}
	best := int64(-1)
	try := func(o int64) {
		if (best < 0 || o < best) && fits(o) {
			best = o
		}
	}
	try(0)
	for c := range sizes {
		if used[c] && live[c].Overlaps(live[b]) {
			try(off[c] + sizes[c])
		}
	}
	return best
}

// optimumByGrid is a second, dumber exact oracle: every offset of every buffer on the
// integer grid, pruned only by height. Small problems only.
func optimumByGrid(sizes []int64, live []Interval) int64 {
	n := len(sizes)
	var best int64
	for _, s := range sizes {
		best += s
	}
	off := make([]int64, n)
	var dfs func(b int, height int64)
	dfs = func(b int, height int64) {
		if b == n {
			best = min(best, height)
			return
		}
		for o := int64(0); o+sizes[b] < best; o++ {
			ok := true
			for c := range b {
				if live[c].Overlaps(live[b]) && o < off[c]+sizes[c] && off[c] < o+sizes[b] {
					ok = false
					break
				}
			}
			if ok {
				off[b] = o
				dfs(b+1, max(height, o+sizes[b]))
			}
		}
	}
	dfs(0, 0)
	return best
}
