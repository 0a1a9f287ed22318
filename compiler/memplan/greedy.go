package memplan

import (
	"cmp"
	"slices"
	"sort"
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

func (q *prepared) bySize() *Plan {
	return q.plan(BySize, func(a, b int) int {
		return cmp.Or(
			cmp.Compare(q.sizes[b], q.sizes[a]),
			cmp.Compare(q.live[a].First, q.live[b].First),
			cmp.Compare(a, b))
	})
}

func (q *prepared) byLifetime() *Plan {
	length := func(b int) int { return q.live[b].Last - q.live[b].First }
	return q.plan(ByLifetime, func(a, b int) int {
		return cmp.Or(
			cmp.Compare(length(b), length(a)),
			cmp.Compare(q.sizes[b], q.sizes[a]),
			cmp.Compare(q.live[a].First, q.live[b].First),
			cmp.Compare(a, b))
	})
}

func (q *prepared) byBreadth() *Plan {
	steps := 0
	for _, iv := range q.live {
		steps = max(steps, iv.Last+1)
	}
	breadth := make([]int64, steps)
	for b, iv := range q.live {
		for s := max(iv.First, 0); s <= iv.Last; s++ {
			breadth[s] += q.sizes[b]
		}
	}
	byBreadth := make([]int, steps)
	for s := range byBreadth {
		byBreadth[s] = s
	}
	slices.SortStableFunc(byBreadth, func(a, b int) int { return cmp.Compare(breadth[b], breadth[a]) })
	bigFirst := func(a, b int) int {
		return cmp.Or(cmp.Compare(q.sizes[b], q.sizes[a]), cmp.Compare(q.live[a].First, q.live[b].First), cmp.Compare(a, b))
	}
	rank := make([]int, len(q.sizes)) // position in the visiting order, 1-based; 0 = not yet
	next := 1
	var atStep []int
	for _, s := range byBreadth {
		atStep = atStep[:0]
		for b, iv := range q.live {
			if rank[b] == 0 && iv.Contains(s) {
				atStep = append(atStep, b)
			}
		}
		slices.SortFunc(atStep, bigFirst)
		for _, b := range atStep {
			rank[b] = next
			next++
		}
	}
	return q.plan(ByBreadth, func(a, b int) int { return cmp.Compare(rank[a], rank[b]) })
}

// plan orders the used buffers (pinned first, then by less) and places each one.
func (q *prepared) plan(strategy string, less func(a, b int) int) *Plan {
	n := len(q.sizes)
	order := make([]int, 0, n)
	for b := range n {
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

	// placed is kept sorted by offset so one pass finds every gap in address order.
	placed := make([]block, 0, len(order))
	for _, b := range order {
		size, iv := q.sizes[b], q.live[b]
		if size == 0 {
			pl.Offsets[b] = 0 // occupies no bytes, conflicts with nothing
			continue
		}
		off := bestFit(placed, size, iv)
		pl.Offsets[b] = off
		pl.ArenaSize = max(pl.ArenaSize, off+size)
		i := sort.Search(len(placed), func(i int) bool { return placed[i].off > off })
		placed = slices.Insert(placed, i, block{off: off, end: off + size, first: iv.First, last: iv.Last})
	}
	return pl
}

// A block is a placed buffer: bytes [off, end) during steps [first, last].
type block struct {
	off, end    int64
	first, last int
}

// bestFit returns the lowest offset of the smallest gap that holds size bytes among the
// placed blocks (sorted by offset) whose lifetimes overlap iv, or the top of the highest
// of them. The scan starts at 0, so the gap below the lowest block counts too (missing it
// was XNNPACK's bug #10800). Offsets and sizes are multiples of the alignment, so every
// gap start already is.
func bestFit(placed []block, size int64, iv Interval) int64 {
	var top int64 // highest end among the overlapping blocks seen so far
	best, bestSlack := int64(-1), int64(-1)
	for _, bl := range placed {
		if bl.last < iv.First || bl.first > iv.Last {
			continue // not live at the same time: its bytes are free for us
		}
		if gap := bl.off - top; gap >= size {
			if slack := gap - size; best < 0 || slack < bestSlack {
				best, bestSlack = top, slack
				if slack == 0 {
					return best // an exact fit is as good as it gets
				}
			}
		}
		top = max(top, bl.end)
	}
	if best < 0 {
		return top
	}
	return best
}
