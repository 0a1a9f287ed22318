package memplan

import (
	"slices"
	"sort"
)

// fitIndex holds the buffers placed so far and answers the best-fit question (see
// bestFit) without visiting every one of them: a deep network's training schedule keeps
// thousands of activations live at once, and scanning them per placement made planning
// quadratic in the number of layers.
//
// The buffers that share a step with an interval iv are found in a centered interval
// tree over the steps. A node owns a center step and the subtree's range of steps; a
// buffer is stored at the highest node whose center its interval contains, so every
// buffer stored at a node contains that center. A query visits the nodes whose ranges
// meet iv:
//   - a node whose whole range lies inside iv contributes sub, the union of the bytes of
//     every buffer stored in its subtree (all of them meet iv);
//   - a node whose center lies in iv contributes own, the bytes of its buffers (all of
//     them contain the center);
//   - a node whose center lies left of iv contributes its buffers that end at or after
//     iv.First, a prefix of them in order of decreasing last step, answered by a Fenwick
//     tree of byte unions; right of iv, symmetrically, the ones starting by iv.Last.
//
// Each contribution is a spanSet, so a stack of buffers is one span and the gap search
// walks holes and stack tops, not buffers. About 2 log(steps) nodes are visited.
type fitIndex struct {
	steps int
	sub   []spanSet  // per node (by center): the bytes of the buffers in its subtree
	nodes []*fitNode // per node (by center): the buffers stored there, nil if none will be
	sets  []spanSet  // scratch: the contributions of one query
	work  int        // nodes and spans visited, for the growth test
}

// fitNode is one node's buffers, all of which contain its center step.
type fitNode struct {
	own     spanSet
	lasts   []int     // distinct last steps of the buffers that will be stored here, descending
	firsts  []int     // distinct first steps, ascending
	byLast  []spanSet // Fenwick tree over lasts: prefix k = buffers whose last is among lasts[:k]
	byFirst []spanSet // Fenwick tree over firsts
}

// newFitIndex prepares the tree for the given intervals: the node of every buffer that
// will be placed is known before the first placement, so each node's Fenwick trees are
// sized to the distinct steps they will hold.
func newFitIndex(steps int, live []Interval, order []int) *fitIndex {
	x := &fitIndex{steps: steps, sub: make([]spanSet, steps), nodes: make([]*fitNode, steps)}
	for _, b := range order {
		iv := live[b]
		c, _, _ := x.node(iv)
		n := x.nodes[c]
		if n == nil {
			n = &fitNode{}
			x.nodes[c] = n
		}
		n.lasts = append(n.lasts, iv.Last)
		n.firsts = append(n.firsts, iv.First)
	}
	for _, n := range x.nodes {
		if n == nil {
			continue
		}
		slices.Sort(n.firsts)
		n.firsts = slices.Compact(n.firsts)
		slices.SortFunc(n.lasts, func(a, b int) int { return b - a })
		n.lasts = slices.Compact(n.lasts)
		n.byLast = make([]spanSet, len(n.lasts)+1)
		n.byFirst = make([]spanSet, len(n.firsts)+1)
	}
	return x
}

// node finds where a buffer live over iv is stored: the center and range of that node.
func (x *fitIndex) node(iv Interval) (c, lo, hi int) {
	lo, hi = 0, x.steps-1
	for {
		c = (lo + hi) / 2
		switch {
		case iv.Last < c:
			hi = c - 1
		case iv.First > c:
			lo = c + 1
		default:
			return c, lo, hi
		}
	}
}

// add records bytes [off, end) as taken during iv.
func (x *fitIndex) add(off, end int64, iv Interval) {
	lo, hi := 0, x.steps-1
	for {
		c := (lo + hi) / 2
		x.sub[c].add(off, end)
		switch {
		case iv.Last < c:
			hi = c - 1
			continue
		case iv.First > c:
			lo = c + 1
			continue
		}
		n := x.nodes[c]
		n.own.add(off, end)
		k, _ := slices.BinarySearchFunc(n.lasts, iv.Last, func(a, b int) int { return b - a })
		fenwickAdd(n.byLast, k, off, end)
		k, _ = slices.BinarySearch(n.firsts, iv.First)
		fenwickAdd(n.byFirst, k, off, end)
		return
	}
}

// fenwickAdd adds [off, end) at position k (0-based) of a Fenwick tree of unions.
func fenwickAdd(t []spanSet, k int, off, end int64) {
	for i := k + 1; i < len(t); i += i & -i {
		t[i].add(off, end)
	}
}

// fenwickPrefix appends the non-empty unions that together cover positions [0, k).
func (x *fitIndex) fenwickPrefix(t []spanSet, k int) {
	for i := k; i > 0; i -= i & -i {
		x.work++
		if len(t[i]) > 0 {
			x.sets = append(x.sets, t[i])
		}
	}
}

// collect gathers into x.sets the byte unions that together are the bytes of every
// placed buffer live at some step of iv.
func (x *fitIndex) collect(iv Interval) {
	x.sets = x.sets[:0]
	var visit func(lo, hi int)
	visit = func(lo, hi int) {
		if lo > hi || hi < iv.First || lo > iv.Last {
			return
		}
		x.work++
		c := (lo + hi) / 2
		if iv.First <= lo && hi <= iv.Last {
			if len(x.sub[c]) > 0 {
				x.sets = append(x.sets, x.sub[c])
			}
			return
		}
		if n := x.nodes[c]; n != nil {
			switch {
			case iv.First <= c && c <= iv.Last:
				if len(n.own) > 0 {
					x.sets = append(x.sets, n.own)
				}
			case c < iv.First: // those still live at iv.First
				x.fenwickPrefix(n.byLast, sort.Search(len(n.lasts), func(i int) bool { return n.lasts[i] < iv.First }))
			default: // those already live at iv.Last
				x.fenwickPrefix(n.byFirst, sort.Search(len(n.firsts), func(i int) bool { return n.firsts[i] > iv.Last }))
			}
		}
		visit(lo, c-1)
		visit(c+1, hi)
	}
	visit(0, x.steps-1)
}

// bestFit returns the lowest offset of the smallest hole that holds size bytes among the
// placed buffers whose lifetimes overlap iv, or the top of the highest of them. The
// holes are the free ranges below that top, the one from 0 included (missing it was
// XNNPACK's bug #10800). Offsets and sizes are multiples of the alignment, so every hole
// start already is.
func (x *fitIndex) bestFit(size int64, iv Interval) int64 {
	x.collect(iv)
	var top int64
	for _, s := range x.sets {
		top = max(top, s.top())
	}
	best, bestSlack := int64(-1), int64(-1)
	for pos := int64(0); pos < top; {
		// Climb to the end of the taken run that holds pos: cycle through the sets until a
		// whole round leaves pos where it is.
		for i, still := 0, 0; still < len(x.sets); i = (i + 1) % len(x.sets) {
			x.work++
			if end := x.sets[i].endAt(pos); end > pos {
				pos, still = end, 0
			}
			still++
		}
		if pos >= top {
			break
		}
		next := top // the hole [pos, next) ends where the lowest span above pos starts
		for _, s := range x.sets {
			x.work++
			if start := s.startAfter(pos); start >= 0 && start < next {
				next = start
			}
		}
		if gap := next - pos; gap >= size {
			if slack := gap - size; best < 0 || slack < bestSlack {
				best, bestSlack = pos, slack
				if slack == 0 {
					return best // an exact fit is as good as it gets
				}
			}
		}
		pos = next
	}
	if best < 0 {
		return top
	}
	return best
}
