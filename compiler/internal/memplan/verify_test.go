package memplan

import (
	"slices"
	"strings"
	"testing"
)

// Verify must reject each kind of broken plan; every mutation starts from the valid
// residual plan (x@0, y@100, z@200, out@100, head@0; arena 300).
func TestVerifyRejects(t *testing.T) {
	var residual Problem
	for _, tc := range toyCases {
		if tc.name == "residual" {
			residual = tc.p
		}
	}
	for _, tc := range []struct {
		name   string
		edit   func(pl *Plan)
		expect string
	}{
		{"byte overlap", func(pl *Plan) { pl.Offsets[3] = 150 }, "buffers 2 [200, 300) and 3 [150, 250) are both live at step 3"},
		{"shared with a live tensor", func(pl *Plan) { pl.Offsets[3] = 0 }, "buffers 0 [0, 100) and 3 [0, 100)"},
		{"wrong align", func(pl *Plan) { pl.Align = 64 }, "plan aligned to 64, problem to 1"},
		{"negative offset", func(pl *Plan) { pl.Offsets[4] = -40 }, "buffer 4: negative offset -40"},
		{"past the arena", func(pl *Plan) { pl.Offsets[4] = 280 }, "buffer 4: [280, 320) ends past the arena (300)"},
		{"arena too big", func(pl *Plan) { pl.ArenaSize = 400 }, "ArenaSize = 400, but the buffers end at 300"},
		{"wrong lower bound", func(pl *Plan) { pl.LowerBound = 200 }, "LowerBound = 200, want 300"},
		{"wrong naive", func(pl *Plan) { pl.Naive = 1 }, "Naive = 1, want 440"},
		{"wrong live", func(pl *Plan) { pl.Live[1] = Interval{1, 3} }, "buffer 1: Live = {1 3}, want {1 2}"},
		{"wrong size", func(pl *Plan) { pl.Sizes[1] = 50 }, "buffer 1: size 50, want 100"},
		{"missing offsets", func(pl *Plan) { pl.Offsets = pl.Offsets[:4] }, "plan has 4 offsets"},
		{"wrong events", func(pl *Plan) { pl.Order[0], pl.Order[1] = pl.Order[1], pl.Order[0] }, "Order does not match"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			pl, err := PlanGreedyBySize(residual)
			if err != nil {
				t.Fatal(err)
			}
			if err := Verify(residual, pl); err != nil {
				t.Fatalf("unmodified plan rejected: %v", err)
			}
			pl.Offsets, pl.Live, pl.Sizes, pl.Order = slices.Clone(pl.Offsets), slices.Clone(pl.Live), slices.Clone(pl.Sizes), slices.Clone(pl.Order)
			tc.edit(pl)
			err = Verify(residual, pl)
			if err == nil || !strings.Contains(err.Error(), tc.expect) {
				t.Errorf("Verify = %v, want an error containing %q", err, tc.expect)
			}
		})
	}
}

func TestVerifyRejectsMore(t *testing.T) {
	// An unused buffer (1) must have offset -1; a misaligned offset under Align 64.
	p := Problem{Sizes: []int64{64, 64, 64}, Steps: []Step{st("a", nil, ids(0), nil), st("b", ids(0), ids(2), nil)}}
	pl, err := PlanGreedyBySize(p)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(pl.Offsets, []int64{0, -1, 64}) {
		t.Fatalf("offsets %v, want [0 -1 64]", pl.Offsets)
	}
	pl.Offsets[1] = 0
	if err := Verify(p, pl); err == nil || !strings.Contains(err.Error(), "buffer 1 is never used but has offset 0") {
		t.Errorf("Verify = %v", err)
	}
	pl.Offsets[1], pl.Offsets[2], pl.ArenaSize = -1, 65, 129
	if err := Verify(p, pl); err == nil || !strings.Contains(err.Error(), "offset 65 is not a multiple of 64") {
		t.Errorf("Verify = %v", err)
	}
	if err := Verify(p, nil); err == nil {
		t.Error("nil plan accepted")
	}
}
