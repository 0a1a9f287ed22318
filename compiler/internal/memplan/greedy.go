package memplan

import (
	"cmp"
	"slices"
)

// Strategy names, as reported in Plan.Strategy.
const (
	BySize     = "greedy-by-size"
	ByLifetime = "greedy-by-lifetime"
	ByBreadth  = "greedy-by-breadth"
)

// PlanGreedyBySize places buffers pinned first, then by non-increasing size (ties: first
// use, then id), each in the best-fitting gap among the time-overlapping buffers already
// placed. This is TFLite's order: big buffers settle at the bottom and small ones fill the
// holes they leave, which reaches the lower bound on chain-like CNNs.
func PlanGreedyBySize(p Problem) (*Plan, error) {
	q, err := prepare(p)
	if err != nil {
		return nil, err
	}
	return q.bySize(), nil
}

// PlanGreedyByLifetime places buffers pinned first, then by non-increasing interval length
// (ties: size, first use, id), with the same best-fit gap search. Long-lived buffers
// (residual shortcuts, concat inputs, activations saved for backward) then form a stable
// floor and short-lived ones churn above them, which can beat size order when small
// long-lived buffers would otherwise be scattered into gaps (XLA's kTemporal).
func PlanGreedyByLifetime(p Problem) (*Plan, error) {
	q, err := prepare(p)
	if err != nil {
		return nil, err
	}
	return q.byLifetime(), nil
}

// PlanGreedyByBreadth visits the steps from the one with the most bytes live to the one
// with the least, and at each places the buffers live there that are not placed yet,
// largest first (Pisarchyk & Lee's "greedy by breadth"). The most crowded step is packed
// first, with nothing in the way; that wins where a big short-lived buffer (a conv's
// im2col scratch) shares its step with long-lived activations that size order would
// have scattered.
func PlanGreedyByBreadth(p Problem) (*Plan, error) {
	q, err := prepare(p)
	if err != nil {
		return nil, err
	}
	return q.byBreadth(), nil
}

// PlanBest runs the three orders and keeps the smallest arena, preferring size order,
// then lifetime, on a tie (XLA's ChooseBestHeapAlgorithm; ExecuTorch does the same per
// model). Planning is cheap next to one forward pass, so trying all three costs nothing
// that matters.
func PlanBest(p Problem) (*Plan, error) {
	q, err := prepare(p)
	if err != nil {
		return nil, err
	}
	best := q.bySize()
	for _, pl := range []*Plan{q.byLifetime(), q.byBreadth()} {
		if pl.ArenaSize < best.ArenaSize {
			best = pl
		}
	}
	return best, nil
}

func (q *prepared) bySize() *Plan { return q.plan(BySize, q.bigFirst) }

// bigFirst orders by non-increasing size, then first use, then id.
func (q *prepared) bigFirst(a, b int) int {
	return cmp.Or(
		cmp.Compare(q.sizes[b], q.sizes[a]),
		cmp.Compare(q.live[a].First, q.live[b].First),
		cmp.Compare(a, b))
}

func (q *prepared) byLifetime() *Plan { return q.plan(ByLifetime, q.longFirst) }

// longFirst orders by non-increasing interval length, then as bigFirst.
func (q *prepared) longFirst(a, b int) int {
	length := func(b int) int { return q.live[b].Last - q.live[b].First }
	return cmp.Or(cmp.Compare(length(b), length(a)), q.bigFirst(a, b))
}

func (q *prepared) byBreadth() *Plan {
	rank := q.breadthRank()
	return q.plan(ByBreadth, func(a, b int) int { return cmp.Compare(rank[a], rank[b]) })
}

// breadthRank is each buffer's position in greedy-by-breadth's visiting order (1-based;
// 0 for unused buffers): the steps from the most bytes live to the least, and at each
// the buffers live there not yet visited, largest first.
func (q *prepared) breadthRank() []int {
	steps := 0
	for _, iv := range q.live {
		steps = max(steps, iv.Last+1)
	}
	delta := make([]int64, steps+1) // a difference array keeps the breadths linear
	for b, iv := range q.live {
		if iv.First >= 0 {
			delta[iv.First] += q.sizes[b]
			delta[iv.Last+1] -= q.sizes[b]
		}
	}
	breadth := make([]int64, steps)
	var cur int64
	for s := range breadth {
		cur += delta[s]
		breadth[s] = cur
	}
	byBreadth := make([]int, steps)
	for s := range byBreadth {
		byBreadth[s] = s
	}
	slices.SortStableFunc(byBreadth, func(a, b int) int { return cmp.Compare(breadth[b], breadth[a]) })
	stab := newStabber(steps, q.live)
	rank := make([]int, len(q.sizes))
	next := 1
	var atStep []int
	for _, s := range byBreadth {
		atStep = stab.take(s, atStep[:0])
		slices.SortFunc(atStep, q.bigFirst)
		for _, b := range atStep {
			rank[b] = next
			next++
		}
	}
	return rank
}

// plan orders the used buffers (pinned first, then by less) and places each one.
func (q *prepared) plan(strategy string, less func(a, b int) int) *Plan {
	return q.place(strategy, q.order(less))
}

// order lists the used buffers, pinned first, then by less.
func (q *prepared) order(less func(a, b int) int) []int {
	order := make([]int, 0, len(q.sizes))
	for b := range q.sizes {
		if q.live[b].First >= 0 {
			order = append(order, b)
		}
	}
	// Pinned buffers conflict with everything, so placing them first stacks them at the
	// bottom, out of the way of the gap search, as TFLite does with whole-run tensors.
	slices.SortFunc(order, func(a, b int) int {
		if q.pinned[a] != q.pinned[b] {
			if q.pinned[a] {
				return -1
			}
			return 1
		}
		return less(a, b)
	})
	return order
}

// place puts each buffer, in order, into the best-fitting hole (see fitIndex.bestFit).
func (q *prepared) place(strategy string, order []int) *Plan {
	n := len(q.sizes)
	pl := &Plan{
		Strategy:   strategy,
		Align:      q.align,
		Sizes:      slices.Clone(q.sizes), // the two plans of PlanBest must not share
		Offsets:    make([]int64, n),
		Live:       slices.Clone(q.live),
		Naive:      q.naive,
		LowerBound: q.lb,
		Order:      events(q.live),
	}
	for b := range pl.Offsets {
		pl.Offsets[b] = -1
	}

	steps := 0
	for _, b := range order {
		steps = max(steps, q.live[b].Last+1)
	}
	fit := newFitIndex(steps, q.live, order)
	for _, b := range order {
		size, iv := q.sizes[b], q.live[b]
		if size == 0 {
			pl.Offsets[b] = 0 // occupies no bytes, conflicts with nothing
			continue
		}
		off := fit.bestFit(size, iv)
		pl.Offsets[b] = off
		pl.ArenaSize = max(pl.ArenaSize, off+size)
		fit.add(off, off+size, iv)
	}
	q.work += fit.work
	return pl
}
