package memplan

import (
	"math"
	"slices"
	"strings"
	"testing"
)

func TestLivenessIntervals(t *testing.T) {
	// 0 pinned input, read at 1 only: still live [0,3]. 1 written at 0, updated in place
	// at 2, read at 3: [0,3]. 2 is scratch of step 1. 3 is written and never read: [2,2].
	// 4 is never touched. 5 is pinned and never touched: live for the whole schedule.
	p := Problem{
		Sizes:  []int64{8, 8, 8, 8, 8, 8},
		Pinned: []bool{true, false, false, false, false, true},
		Steps: []Step{
			st("a", nil, ids(1), nil),
			st("b", ids(0), nil, ids(2, 2)),
			st("c", ids(1), ids(1, 3), nil),
			st("d", ids(1, 1), nil, nil),
		},
	}
	got, err := Liveness(p)
	if err != nil {
		t.Fatal(err)
	}
	want := []Interval{{0, 3}, {0, 3}, {1, 1}, {2, 2}, {-1, -1}, {0, 3}}
	if !slices.Equal(got, want) {
		t.Errorf("Liveness = %v, want %v", got, want)
	}
}

func TestNoStepsPinnedStillPlanned(t *testing.T) {
	p := Problem{Sizes: []int64{10, 20}, Pinned: []bool{true, false}, Align: 1}
	pl, err := PlanGreedyBySize(p)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(pl.Offsets, []int64{0, -1}) || pl.ArenaSize != 10 || pl.LowerBound != 10 {
		t.Errorf("offsets %v arena %d LB %d, want [0 -1] 10 10", pl.Offsets, pl.ArenaSize, pl.LowerBound)
	}
	if err := Verify(p, pl); err != nil {
		t.Error(err)
	}
}

func TestProblemErrors(t *testing.T) {
	chain := func() Problem {
		return Problem{Sizes: []int64{10, 10, 10}, Steps: []Step{
			st("stem", nil, ids(0), nil),
			st("conv", ids(0), ids(1), nil),
			st("relu", ids(1), ids(2), nil),
		}}
	}
	for _, tc := range []struct {
		name   string
		edit   func(p *Problem)
		expect []string // substrings the message must hold
	}{
		{"negative size", func(p *Problem) { p.Sizes[1] = -5 }, []string{"buffer 1", "negative size -5"}},
		{"read out of range", func(p *Problem) { p.Steps[1].Reads = ids(7) }, []string{`step 1 ("conv")`, "reads buffer id 7 out of range [0, 3)"}},
		{"write out of range", func(p *Problem) { p.Steps[2].Writes = ids(-1) }, []string{`step 2 ("relu")`, "writes buffer id -1"}},
		{"temp out of range", func(p *Problem) { p.Steps[0].Temps = ids(3) }, []string{`step 0 ("stem")`, "scratch buffer id 3"}},
		{"read before write", func(p *Problem) { p.Steps[0].Writes = nil }, []string{`step 1 ("conv")`, "reads buffer 0, which no earlier step writes"}},
		{"read and write same step", func(p *Problem) { p.Steps[0] = st("stem", ids(0), ids(0), nil) }, []string{`step 0 ("stem")`, "reads buffer 0"}},
		{"pinned length", func(p *Problem) { p.Pinned = []bool{true} }, []string{"Pinned has 1 entries", "(3)"}},
		{"negative align", func(p *Problem) { p.Align = -8 }, []string{"Align -8"}},
		{"scratch reused later", func(p *Problem) {
			p.Sizes = append(p.Sizes, 4)
			p.Steps[1].Temps = ids(3)
			p.Steps[2].Reads = ids(1, 3)
		}, []string{`step 2 ("relu")`, "buffer 3", `scratch of step 1 ("conv")`}},
		{"scratch of two steps", func(p *Problem) {
			p.Sizes = append(p.Sizes, 4)
			p.Steps[1].Temps = ids(3)
			p.Steps[2].Temps = ids(3)
		}, []string{`step 2 ("relu")`, "scratch buffer 3", `scratch of step 1 ("conv")`}},
		{"scratch already a tensor", func(p *Problem) { p.Steps[2].Temps = ids(0) }, []string{`step 2 ("relu")`, "scratch buffer 0 is already used by step 0 (\"stem\")"}},
		{"scratch also written", func(p *Problem) {
			p.Sizes = append(p.Sizes, 4)
			p.Steps[1].Temps = ids(3)
			p.Steps[1].Writes = ids(1, 3)
		}, []string{`step 1 ("conv")`, "scratch buffer 3 is already used by step 1"}},
		{"pinned scratch", func(p *Problem) {
			p.Sizes = append(p.Sizes, 4)
			p.Pinned = []bool{false, false, false, true}
			p.Steps[1].Temps = ids(3)
		}, []string{`step 1 ("conv")`, "scratch buffer 3 is pinned"}},
		{"aligned size overflows", func(p *Problem) { p.Sizes[2] = math.MaxInt64 - 2 }, []string{"buffer 2", "overflows int64 when aligned to 64"}},
		{"sum overflows", func(p *Problem) {
			p.Align = 1
			p.Sizes[0], p.Sizes[1] = math.MaxInt64/2+1, math.MaxInt64/2+1
		}, []string{"total size", "overflows int64", "buffer 1"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := chain()
			tc.edit(&p)
			for name, plan := range map[string]func(Problem) (*Plan, error){
				"size": PlanGreedyBySize, "lifetime": PlanGreedyByLifetime, "breadth": PlanGreedyByBreadth, "best": PlanBest,
			} {
				pl, err := plan(p)
				if err == nil {
					t.Fatalf("%s: no error, plan %+v", name, pl)
				}
				for _, s := range tc.expect {
					if !strings.Contains(err.Error(), s) {
						t.Errorf("%s: error %q does not mention %q", name, err, s)
					}
				}
			}
			if _, _, err := Bounds(p); err == nil {
				t.Error("Bounds: no error")
			}
		})
	}
}

// Sizes near the int64 limit that still fit are planned without wrapping around.
func TestHugeSizesDoNotOverflow(t *testing.T) {
	big := int64(math.MaxInt64 / 4)
	p := Problem{Align: 1, Sizes: []int64{big, big, big}, Steps: []Step{
		st("a", nil, ids(0), nil),
		st("b", ids(0), ids(1), nil),
		st("c", ids(1), ids(2), nil),
	}}
	pl, err := PlanBest(p)
	if err != nil {
		t.Fatal(err)
	}
	if pl.ArenaSize != 2*big || pl.Naive != 3*big || !slices.Equal(pl.Offsets, []int64{0, big, 0}) {
		t.Errorf("arena %d naive %d offsets %v", pl.ArenaSize, pl.Naive, pl.Offsets)
	}
	if err := Verify(p, pl); err != nil {
		t.Error(err)
	}
}
