package runner

import (
	"fmt"
	"math"
	"strings"
)

// Schedule types, as the spec's [train.schedule] type key writes them.
const (
	SchedConstant  = "constant"
	SchedStep      = "step"
	SchedMultiStep = "multistep"
	SchedCosine    = "cosine"
	SchedOneCycle  = "onecycle"
)

// ScheduleTypes lists them in the order the docs give.
var ScheduleTypes = []string{SchedConstant, SchedStep, SchedMultiStep, SchedCosine, SchedOneCycle}

// Schedule is a learning-rate schedule of torch.optim.lr_scheduler, evaluated in closed
// form from the position in training, so that a resumed run continues on the same
// curve. PyTorch's schedulers update the rate by chained multiplications; the closed
// forms agree with them to float64 rounding (the trajectory tests compare both).
//
// step, multistep and cosine are stepped once per epoch (their parameters count
// epochs, as PyTorch's examples call scheduler.step() after each epoch); onecycle is
// stepped after every batch (OneCycleLR's definition, total_steps = epochs x batches
// per epoch).
type Schedule struct {
	Type string // one of ScheduleTypes; "" is constant

	// step: StepLR(step_size, gamma); multistep: MultiStepLR(milestones, gamma).
	StepSize   int
	Milestones []int
	Gamma      float64 // 0 takes PyTorch's 0.1

	// cosine: LinearLR(start_factor=WarmupFactor, total_iters=Warmup) for the first Warmup
	// epochs, then CosineAnnealingLR(T_max=epochs-Warmup, eta_min=MinLR), chained by
	// SequentialLR(milestones=[Warmup]).
	Warmup       int
	WarmupFactor float64 // 0 takes LinearLR's 1/3
	MinLR        float64

	// onecycle: OneCycleLR(max_lr=the recipe's lr, ...). Zero values take PyTorch's
	// defaults; the booleans are pointers so that absent means PyTorch's default.
	PctStart       float64 // 0.3
	DivFactor      float64 // 25
	FinalDivFactor float64 // 1e4
	Anneal         string  // "cos" (default) or "linear"
	ThreePhase     bool
	CycleMomentum  *bool   // true
	BaseMomentum   float64 // 0.85
	MaxMomentum    float64 // 0.95
}

// PerStep says whether the schedule moves after every batch rather than every epoch.
func (s *Schedule) PerStep() bool { return s.Type == SchedOneCycle }

// CyclesMomentum says whether the schedule sets the optimizer's momentum (SGD) or beta1
// (AdamW) at every step, as OneCycleLR does by default.
func (s *Schedule) CyclesMomentum() bool {
	return s.Type == SchedOneCycle && (s.CycleMomentum == nil || *s.CycleMomentum)
}

func orDefault(v, d float64) float64 {
	if v == 0 {
		return d
	}
	return v
}

// Validate checks the parameters for a run of epochs epochs; the message names the key.
func (s *Schedule) Validate(epochs int) error {
	var bad []string
	switch s.Type {
	case "", SchedConstant:
	case SchedStep:
		if s.StepSize < 1 {
			bad = append(bad, "step needs step_size >= 1 (epochs between decays)")
		}
	case SchedMultiStep:
		if len(s.Milestones) == 0 {
			bad = append(bad, "multistep needs milestones (epochs at which the rate decays)")
		}
		for i, m := range s.Milestones {
			if m < 1 || (i > 0 && m <= s.Milestones[i-1]) {
				bad = append(bad, fmt.Sprintf("milestones must be increasing epochs >= 1, found %v", s.Milestones))
				break
			}
		}
	case SchedCosine:
		if s.Warmup < 0 || s.Warmup >= epochs {
			bad = append(bad, fmt.Sprintf("cosine warmup is %d epochs, it must be in [0, epochs=%d)", s.Warmup, epochs))
		}
		if f := s.WarmupFactor; f < 0 || f > 1 {
			bad = append(bad, fmt.Sprintf("warmup_factor %g must be in (0, 1]", f))
		}
		if s.MinLR < 0 {
			bad = append(bad, "min_lr must not be negative")
		}
	case SchedOneCycle:
		if p := s.PctStart; p < 0 || p > 1 {
			bad = append(bad, fmt.Sprintf("pct_start %g must be in (0, 1]", p))
		}
		if s.DivFactor < 0 || s.FinalDivFactor < 0 {
			bad = append(bad, "div_factor and final_div_factor must be positive")
		}
		if s.Anneal != "" && s.Anneal != "cos" && s.Anneal != "linear" {
			bad = append(bad, fmt.Sprintf("anneal %q must be \"cos\" or \"linear\"", s.Anneal))
		}
	default:
		bad = append(bad, fmt.Sprintf("unknown schedule %q (expected one of %s)", s.Type, strings.Join(ScheduleTypes, ", ")))
	}
	if s.Gamma < 0 {
		bad = append(bad, "gamma must be positive")
	}
	if len(bad) > 0 {
		return fmt.Errorf("schedule: %s", strings.Join(bad, "; "))
	}
	return nil
}

// AllowsEpochs says whether a run planned for from epochs may be changed to to epochs
// (netc train --resume --epochs): cosine and onecycle spread over the whole run, so a
// change would alter the rates of the steps already taken, and is refused.
func (s *Schedule) AllowsEpochs(from, to int) error {
	if from == to || (s.Type != SchedCosine && s.Type != SchedOneCycle) {
		return nil
	}
	return fmt.Errorf("the %s schedule spans the run's %d epochs; %d epochs would change the rates already used (start a new run, with --init-from the last weights)", s.Type, from, to)
}

// LR is the learning rate of the step taken at (epoch, step): epoch 0-based, step the
// 0-based batch within it, of epochs epochs of perEpoch batches. base is the recipe's
// lr (OneCycleLR's max_lr). momentum is the momentum (or beta1) one-cycle sets, when
// CyclesMomentum.
func (s *Schedule) LR(base float64, epoch, step, epochs, perEpoch int) (lr, momentum float64) {
	switch s.Type {
	case SchedStep:
		return base * math.Pow(orDefault(s.Gamma, 0.1), float64(epoch/s.StepSize)), 0
	case SchedMultiStep:
		passed := 0
		for _, m := range s.Milestones {
			if epoch >= m {
				passed++
			}
		}
		return base * math.Pow(orDefault(s.Gamma, 0.1), float64(passed)), 0
	case SchedCosine:
		if epoch < s.Warmup {
			f := orDefault(s.WarmupFactor, 1.0/3)
			return base * (f + (1-f)*float64(epoch)/float64(s.Warmup)), 0
		}
		t, tmax := float64(epoch-s.Warmup), float64(epochs-s.Warmup)
		return s.MinLR + (base-s.MinLR)*(1+math.Cos(math.Pi*t/tmax))/2, 0
	case SchedOneCycle:
		return s.oneCycle(base, epoch*perEpoch+step, epochs*perEpoch)
	}
	return base, 0
}

// oneCycle is OneCycleLR.get_lr at step_num t of total steps.
func (s *Schedule) oneCycle(maxLR float64, t, total int) (lr, momentum float64) {
	pct := orDefault(s.PctStart, 0.3)
	initial := maxLR / orDefault(s.DivFactor, 25)
	minLR := initial / orDefault(s.FinalDivFactor, 1e4)
	baseM, maxM := orDefault(s.BaseMomentum, 0.85), orDefault(s.MaxMomentum, 0.95)
	type phase struct{ end, lr0, lr1, m0, m1 float64 }
	n := float64(total)
	phases := []phase{{pct*n - 1, initial, maxLR, maxM, baseM}, {n - 1, maxLR, minLR, baseM, maxM}}
	if s.ThreePhase {
		phases = []phase{{pct*n - 1, initial, maxLR, maxM, baseM}, {2*pct*n - 2, maxLR, initial, baseM, maxM}, {n - 1, initial, minLR, maxM, maxM}}
	}
	anneal := func(a, b, p float64) float64 { return b + (a-b)/2*(math.Cos(math.Pi*p)+1) }
	if s.Anneal == "linear" {
		anneal = func(a, b, p float64) float64 { return (b-a)*p + a }
	}
	start := 0.0
	for i, ph := range phases {
		if float64(t) <= ph.end || i == len(phases)-1 {
			p := (float64(t) - start) / (ph.end - start)
			return anneal(ph.lr0, ph.lr1, p), anneal(ph.m0, ph.m1, p)
		}
		start = ph.end
	}
	panic("unreachable")
}
