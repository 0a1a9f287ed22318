package memplan

import (
	"fmt"
	"math"
)

// prepared is a validated Problem: aligned sizes and liveness, shared by the planners and
// Verify so both judge a plan against the same facts.
type prepared struct {
	align  int64
	sizes  []int64 // rounded up to align
	live   []Interval
	pinned []bool // never nil
	naive  int64
	lb     int64
	work   int // planners' work (nodes and spans visited), for the growth test
}

// prepare validates p, aligns sizes and computes liveness and both bounds. Every sum it
// makes is checked for int64 overflow; offsets a planner produces never exceed naive (each
// buffer lands in a gap or on top of buffers already placed), so once naive fits, the
// planners cannot overflow either.
func prepare(p Problem) (*prepared, error) {
	align := p.Align
	if align == 0 {
		align = DefaultAlign
	}
	if align < 0 {
		return nil, fmt.Errorf("memplan: Align %d is negative", align)
	}
	live, err := Liveness(p)
	if err != nil {
		return nil, err
	}
	q := &prepared{align: align, live: live, sizes: make([]int64, len(p.Sizes)), pinned: make([]bool, len(p.Sizes))}
	copy(q.pinned, p.Pinned)
	for b, s := range p.Sizes {
		if s < 0 {
			return nil, fmt.Errorf("memplan: buffer %d has negative size %d", b, s)
		}
		if s > math.MaxInt64-(align-1) {
			return nil, fmt.Errorf("memplan: buffer %d: size %d overflows int64 when aligned to %d", b, s, align)
		}
		q.sizes[b] = (s + align - 1) / align * align
		if live[b].First < 0 {
			continue
		}
		if q.naive > math.MaxInt64-q.sizes[b] {
			return nil, fmt.Errorf("memplan: total size of buffers overflows int64 at buffer %d (size %d)", b, s)
		}
		q.naive += q.sizes[b]
	}
	q.lb = lowerBound(q.sizes, live)
	return q, nil
}

// lowerBound is the largest sum of sizes live at one step (Pisarchyk & Lee's operator
// breadth; XLA's NoFragmentationStatsHeap): all of those buffers need disjoint bytes at
// that step, so no arena can be smaller. A difference array over steps keeps it linear.
// Each partial sum is at most naive, so it cannot overflow.
func lowerBound(sizes []int64, live []Interval) int64 {
	steps := 0
	for _, iv := range live {
		steps = max(steps, iv.Last+1)
	}
	delta := make([]int64, steps+1)
	for b, iv := range live {
		if iv.First < 0 {
			continue
		}
		delta[iv.First] += sizes[b]
		delta[iv.Last+1] -= sizes[b]
	}
	var cur, best int64
	for _, d := range delta {
		cur += d
		best = max(best, cur)
	}
	return best
}

// Bounds returns the lower bound and the naive arena size for p, with sizes aligned as
// the planners align them. A plan for p lies between the two.
func Bounds(p Problem) (lower, naive int64, err error) {
	q, err := prepare(p)
	if err != nil {
		return 0, 0, err
	}
	return q.lb, q.naive, nil
}
