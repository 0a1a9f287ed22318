package memplan

import (
	"slices"
	"sort"
)

// sharedBytes reports whether two buffers live at the same step share a byte, and then
// the first such pair (a < b, smallest a, then smallest b).
//
// Two buffers live at the same step are both live at the later of their first steps, so
// a sweep over the steps that adds each buffer at its first step, after dropping those
// that ended before it, sees every such pair: a new buffer clashes exactly when some
// byte of it is already counted. The counts live in a segment tree over the elementary
// byte ranges between offsets (range add, range max), so the sweep is O(n log n). The
// pair named in the message is then found by the plain pairwise scan, which runs only
// for a broken plan.
func sharedBytes(q *prepared, offsets []int64) (a, b int, ok bool) {
	var used []int
	var cuts []int64
	for b, iv := range q.live {
		if iv.First >= 0 && q.sizes[b] > 0 {
			used = append(used, b)
			cuts = append(cuts, offsets[b], offsets[b]+q.sizes[b])
		}
	}
	slices.Sort(cuts)
	cuts = slices.Compact(cuts)
	segment := func(x int64) int { return sort.Search(len(cuts), func(i int) bool { return cuts[i] >= x }) }

	byFirst := slices.Clone(used)
	slices.SortFunc(byFirst, func(a, b int) int { return q.live[a].First - q.live[b].First })
	byLast := slices.Clone(used)
	slices.SortFunc(byLast, func(a, b int) int { return q.live[a].Last - q.live[b].Last })

	counts := newRangeMax(max(len(cuts)-1, 1))
	gone := 0
	for _, b := range byFirst {
		for gone < len(byLast) && q.live[byLast[gone]].Last < q.live[b].First {
			d := byLast[gone]
			counts.add(segment(offsets[d]), segment(offsets[d]+q.sizes[d]), -1)
			gone++
		}
		lo, hi := segment(offsets[b]), segment(offsets[b]+q.sizes[b])
		if counts.peakIn(lo, hi) > 0 {
			return firstSharedPair(q, offsets)
		}
		counts.add(lo, hi, 1)
	}
	return 0, 0, false
}

// firstSharedPair is the pairwise scan: quadratic, for the error message only.
func firstSharedPair(q *prepared, offsets []int64) (a, b int, ok bool) {
	for a := range q.sizes {
		for b := a + 1; b < len(q.sizes); b++ {
			if !q.live[a].Overlaps(q.live[b]) || q.sizes[a] == 0 || q.sizes[b] == 0 {
				continue
			}
			oa, ob := offsets[a], offsets[b]
			if oa < ob+q.sizes[b] && ob < oa+q.sizes[a] {
				return a, b, true
			}
		}
	}
	return 0, 0, false
}

// rangeMax is a segment tree over n slots with range add and range max.
type rangeMax struct {
	n           int
	peak, added []int // per node: max over its range, and what was added to all of it
}

func newRangeMax(n int) *rangeMax {
	return &rangeMax{n: n, peak: make([]int, 4*n), added: make([]int, 4*n)}
}

// add adds v to slots [lo, hi).
func (t *rangeMax) add(lo, hi, v int) { t.update(1, 0, t.n, lo, hi, v) }

func (t *rangeMax) update(node, nlo, nhi, lo, hi, v int) {
	if hi <= nlo || nhi <= lo {
		return
	}
	if lo <= nlo && nhi <= hi {
		t.peak[node] += v
		t.added[node] += v
		return
	}
	mid := (nlo + nhi) / 2
	t.update(2*node, nlo, mid, lo, hi, v)
	t.update(2*node+1, mid, nhi, lo, hi, v)
	t.peak[node] = t.added[node] + max(t.peak[2*node], t.peak[2*node+1])
}

// peakIn is the largest slot in [lo, hi).
func (t *rangeMax) peakIn(lo, hi int) int { return t.query(1, 0, t.n, lo, hi) }

func (t *rangeMax) query(node, nlo, nhi, lo, hi int) int {
	if hi <= nlo || nhi <= lo {
		return 0 // counts never go below zero, so 0 is a neutral floor
	}
	if lo <= nlo && nhi <= hi {
		return t.peak[node]
	}
	mid := (nlo + nhi) / 2
	return t.added[node] + max(t.query(2*node, nlo, mid, lo, hi), t.query(2*node+1, mid, nhi, lo, hi))
}
