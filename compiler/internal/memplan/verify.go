package memplan

import (
	"fmt"
	"math"
	"slices"
)

// Verify checks plan against p without trusting anything the planner computed: liveness,
// aligned sizes, bounds and events are derived again from p. It reports the first of:
// wrong lengths or derived fields; an unused buffer with an offset; a used buffer with a
// negative or misaligned offset or one past the arena; two buffers live at the same step
// sharing a byte; an arena that is not the high-water mark, not aligned, below the lower
// bound or above naive.
func Verify(p Problem, plan *Plan) error {
	q, err := prepare(p)
	if err != nil {
		return err
	}
	n := len(q.sizes)
	switch {
	case plan == nil:
		return fmt.Errorf("memplan: verify: nil plan")
	case len(plan.Offsets) != n, len(plan.Live) != n, len(plan.Sizes) != n:
		return fmt.Errorf("memplan: verify: plan has %d offsets, %d intervals, %d sizes; want %d each",
			len(plan.Offsets), len(plan.Live), len(plan.Sizes), n)
	case plan.Align != q.align:
		return fmt.Errorf("memplan: verify: plan aligned to %d, problem to %d", plan.Align, q.align)
	case plan.Naive != q.naive:
		return fmt.Errorf("memplan: verify: Naive = %d, want %d", plan.Naive, q.naive)
	case plan.LowerBound != q.lb:
		return fmt.Errorf("memplan: verify: LowerBound = %d, want %d", plan.LowerBound, q.lb)
	case !slices.Equal(plan.Order, events(q.live)):
		return fmt.Errorf("memplan: verify: Order does not match the liveness of the problem")
	}

	var high int64
	for b := range n {
		off := plan.Offsets[b]
		switch {
		case plan.Live[b] != q.live[b]:
			return fmt.Errorf("memplan: verify: buffer %d: Live = %v, want %v", b, plan.Live[b], q.live[b])
		case plan.Sizes[b] != q.sizes[b]:
			return fmt.Errorf("memplan: verify: buffer %d: size %d, want %d", b, plan.Sizes[b], q.sizes[b])
		case q.live[b].First < 0 && off != -1:
			return fmt.Errorf("memplan: verify: buffer %d is never used but has offset %d, want -1", b, off)
		case q.live[b].First < 0:
			continue
		case off < 0:
			return fmt.Errorf("memplan: verify: buffer %d: negative offset %d", b, off)
		case off%q.align != 0:
			return fmt.Errorf("memplan: verify: buffer %d: offset %d is not a multiple of %d", b, off, q.align)
		case off > math.MaxInt64-q.sizes[b]:
			return fmt.Errorf("memplan: verify: buffer %d: offset %d + size %d overflows int64", b, off, q.sizes[b])
		case off+q.sizes[b] > plan.ArenaSize:
			return fmt.Errorf("memplan: verify: buffer %d: [%d, %d) ends past the arena (%d)", b, off, off+q.sizes[b], plan.ArenaSize)
		}
		high = max(high, off+q.sizes[b])
	}

	if a, b, ok := sharedBytes(q, plan.Offsets); ok {
		oa, ob := plan.Offsets[a], plan.Offsets[b]
		return fmt.Errorf("memplan: verify: buffers %d [%d, %d) and %d [%d, %d) are both live at step %d and share bytes",
			a, oa, oa+q.sizes[a], b, ob, ob+q.sizes[b], max(q.live[a].First, q.live[b].First))
	}

	switch {
	case plan.ArenaSize != high:
		return fmt.Errorf("memplan: verify: ArenaSize = %d, but the buffers end at %d", plan.ArenaSize, high)
	case plan.ArenaSize%q.align != 0:
		return fmt.Errorf("memplan: verify: ArenaSize %d is not a multiple of %d", plan.ArenaSize, q.align)
	case plan.ArenaSize < q.lb:
		return fmt.Errorf("memplan: verify: ArenaSize %d is below the lower bound %d", plan.ArenaSize, q.lb)
	case plan.ArenaSize > q.naive:
		return fmt.Errorf("memplan: verify: ArenaSize %d exceeds the naive size %d", plan.ArenaSize, q.naive)
	}
	return nil
}
