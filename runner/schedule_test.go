package runner

import (
	"math"
	"strings"
	"testing"
)

// TestScheduleClosedForms checks each schedule against values worked by hand from
// PyTorch's definitions (the trajectory tests compare with PyTorch itself).
func TestScheduleClosedForms(t *testing.T) {
	cases := []struct {
		s      Schedule
		epoch  int
		want   float64
		detail string
	}{
		{Schedule{Type: SchedStep, StepSize: 3, Gamma: 0.5}, 2, 1, "StepLR: epochs 0-2 at the base rate"},
		{Schedule{Type: SchedStep, StepSize: 3, Gamma: 0.5}, 7, 0.25, "StepLR: 7//3 = 2 decays"},
		{Schedule{Type: SchedStep, StepSize: 3}, 3, 0.1, "StepLR: gamma defaults to 0.1"},
		{Schedule{Type: SchedMultiStep, Milestones: []int{2, 5}, Gamma: 0.2}, 4, 0.2, "MultiStepLR: one milestone passed"},
		{Schedule{Type: SchedMultiStep, Milestones: []int{2, 5}, Gamma: 0.2}, 5, 0.04, "MultiStepLR: at the second milestone"},
		{Schedule{Type: SchedCosine, Warmup: 2}, 0, 1.0 / 3, "LinearLR starts at 1/3"},
		{Schedule{Type: SchedCosine, Warmup: 2}, 1, 2.0 / 3, "LinearLR halfway"},
		{Schedule{Type: SchedCosine, Warmup: 2}, 2, 1, "the cosine starts at the base rate"},
		{Schedule{Type: SchedCosine, Warmup: 2}, 4, 0.5, "cosine with T_max = 10-2 = 8, at t = 2: (1+cos(pi/4))/2"},
		{Schedule{Type: SchedCosine, MinLR: 0.1}, 5, 0.55, "cosine halfway between 1 and 0.1"},
	}
	cases[8].want = (1 + math.Cos(math.Pi/4)) / 2
	for _, c := range cases {
		if err := c.s.Validate(10); err != nil {
			t.Fatal(err)
		}
		got, _ := c.s.LR(1, c.epoch, 3, 10, 5)
		if math.Abs(got-c.want) > 1e-15 {
			t.Errorf("%s: epoch %d: lr %.17g, want %.17g", c.detail, c.epoch, got, c.want)
		}
	}
	// OneCycleLR with 100 steps: starts at max/25 with momentum 0.95, peaks at step 29
	// (pct_start*100 - 1) with momentum 0.85, ends at step 99 at max/25/1e4.
	s := Schedule{Type: SchedOneCycle}
	for _, c := range []struct {
		step    int
		lr, mom float64
	}{{0, 0.04, 0.95}, {29, 1, 0.85}, {99, 0.04 / 1e4, 0.95}} {
		lr, mom := s.LR(1, c.step/10, c.step%10, 10, 10)
		if math.Abs(lr-c.lr) > 1e-15 || math.Abs(mom-c.mom) > 1e-15 {
			t.Errorf("onecycle step %d: lr %g momentum %g, want %g %g", c.step, lr, mom, c.lr, c.mom)
		}
	}
}

func TestScheduleRejects(t *testing.T) {
	for _, c := range []struct {
		s    Schedule
		want string
	}{
		{Schedule{Type: SchedStep}, "step_size"},
		{Schedule{Type: SchedMultiStep, Milestones: []int{5, 3}}, "increasing"},
		{Schedule{Type: SchedCosine, Warmup: 10}, "warmup"},
		{Schedule{Type: "poly"}, "unknown schedule"},
	} {
		err := c.s.Validate(10)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: got %v, want an error about %s", c.s, err, c.want)
		}
	}
}

func TestParseSchedule(t *testing.T) {
	s, err := ParseSchedule("multistep,milestones=30:60,gamma=0.2")
	if err != nil || s.Type != SchedMultiStep || len(s.Milestones) != 2 || s.Milestones[1] != 60 || s.Gamma != 0.2 {
		t.Errorf("got %+v, %v", s, err)
	}
	s, err = ParseSchedule("onecycle,cycle_momentum=false,three_phase=true")
	if err != nil || s.CyclesMomentum() || !s.ThreePhase {
		t.Errorf("got %+v, %v", s, err)
	}
	for _, bad := range []string{"step,milestones=3", "cosine,warmup", "cosine,warmup=-1", "step,step_size=x"} {
		if _, err := ParseSchedule(bad); err == nil {
			t.Errorf("%q was accepted", bad)
		}
	}
}
