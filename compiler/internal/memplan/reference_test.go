package memplan

import (
	"cmp"
	"math/rand/v2"
	"slices"
	"sort"
	"testing"
)

// The planners place buffers through fitIndex and order greedy by breadth through
// stabber. The reference below is the plain version of both, which visits every placed
// buffer per placement and every buffer per step: slow, but obviously what the doc
// comments describe. The fast planners must give the same offsets, bit for bit.

// A block is a placed buffer: bytes [off, end) during steps [first, last].
type block struct {
	off, end    int64
	first, last int
}

// referenceBestFit scans the placed blocks (sorted by offset) in address order.
func referenceBestFit(placed []block, size int64, iv Interval) int64 {
	var top int64
	best, bestSlack := int64(-1), int64(-1)
	for _, bl := range placed {
		if bl.last < iv.First || bl.first > iv.Last {
			continue
		}
		if gap := bl.off - top; gap >= size {
			if slack := gap - size; best < 0 || slack < bestSlack {
				best, bestSlack = top, slack
				if slack == 0 {
					return best
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

func referenceBreadthRank(q *prepared) []int {
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
	rank := make([]int, len(q.sizes))
	next := 1
	for _, s := range byBreadth {
		var atStep []int
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
	return rank
}

// referenceOffsets places buffers in the given order with the plain scan.
func referenceOffsets(q *prepared, order []int) []int64 {
	offsets := make([]int64, len(q.sizes))
	for b := range offsets {
		offsets[b] = -1
	}
	var placed []block // sorted by offset
	for _, b := range order {
		size, iv := q.sizes[b], q.live[b]
		if size == 0 {
			offsets[b] = 0
			continue
		}
		off := referenceBestFit(placed, size, iv)
		offsets[b] = off
		i := sort.Search(len(placed), func(i int) bool { return placed[i].off > off })
		placed = slices.Insert(placed, i, block{off: off, end: off + size, first: iv.First, last: iv.Last})
	}
	return offsets
}

// sameAsReference plans p with all three orders and compares offsets with the reference.
func sameAsReference(t *testing.T, name string, p Problem) {
	t.Helper()
	q, err := prepare(p)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	rank := referenceBreadthRank(q)
	for _, c := range []struct {
		got  *Plan
		less func(a, b int) int
	}{
		{q.bySize(), q.bigFirst},
		{q.byLifetime(), q.longFirst},
		{q.byBreadth(), func(a, b int) int { return cmp.Compare(rank[a], rank[b]) }},
	} {
		want := referenceOffsets(q, q.order(c.less))
		if !slices.Equal(c.got.Offsets, want) {
			for b := range want {
				if c.got.Offsets[b] != want[b] {
					t.Fatalf("%s %s: buffer %d (live %v, %d bytes) at %d, the reference puts it at %d",
						name, c.got.Strategy, b, q.live[b], q.sizes[b], c.got.Offsets[b], want[b])
				}
			}
		}
	}
}

func TestSameOffsetsAsReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for i := range 3000 {
		sameAsReference(t, "random problem "+string(rune('0'+i%10)), randomProblem(rng))
	}
	for _, n := range []int{10, 100, 1000, 3000} {
		sameAsReference(t, "training-like", trainingLike(n))
	}
	for _, tc := range toyCases {
		sameAsReference(t, tc.name, tc.p)
	}
}

func TestBreadthRankSameAsReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	for i := range 2000 {
		q, err := prepare(randomProblem(rng))
		if err != nil {
			t.Fatal(err)
		}
		if got, want := q.breadthRank(), referenceBreadthRank(q); !slices.Equal(got, want) {
			t.Fatalf("case %d: rank %v, reference %v", i, got, want)
		}
	}
}

// The sweep in sharedBytes against the pairwise scan, on valid plans and on plans with
// one buffer moved somewhere random.
func TestSharedBytesSameAsPairwise(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	clashes := 0
	for i := range 3000 {
		p := randomProblem(rng)
		pl, err := PlanGreedyBySize(p)
		if err != nil {
			t.Fatal(err)
		}
		q, _ := prepare(p)
		offsets := slices.Clone(pl.Offsets)
		if i%2 == 1 && len(offsets) > 0 {
			b := rng.IntN(len(offsets))
			if offsets[b] >= 0 {
				offsets[b] = int64(rng.IntN(int(pl.ArenaSize/q.align)+1)) * q.align
			}
		}
		a1, b1, ok1 := sharedBytes(q, offsets)
		a2, b2, ok2 := firstSharedPair(q, offsets)
		if ok1 != ok2 || a1 != a2 || b1 != b2 {
			t.Fatalf("case %d: sweep says %d %d %v, pairwise %d %d %v", i, a1, b1, ok1, a2, b2, ok2)
		}
		if ok2 {
			clashes++
		}
	}
	if clashes < 100 {
		t.Errorf("only %d of 3000 cases share bytes; the test does not exercise the sweep", clashes)
	}
}
