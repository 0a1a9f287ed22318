package runner

import (
	"fmt"
	"strconv"
	"strings"
)

// ParseSchedule reads a schedule written as on the command line: the type, then the
// [train.schedule] keys as key=value, comma-separated; milestones are separated by ':'.
// For example "cosine,warmup=5,min_lr=1e-5" or "multistep,milestones=30:60,gamma=0.1".
func ParseSchedule(text string) (*Schedule, error) {
	parts := strings.Split(text, ",")
	s := &Schedule{Type: strings.TrimSpace(parts[0])}
	for _, kv := range parts[1:] {
		k, v, ok := strings.Cut(kv, "=")
		k, v = strings.TrimSpace(k), strings.TrimSpace(v)
		if !ok || v == "" {
			return nil, fmt.Errorf("schedule %q: %q is not key=value", text, kv)
		}
		if keys, known := scheduleKeys[s.Type]; known && !strings.Contains(" "+keys+" ", " "+k+" ") {
			return nil, fmt.Errorf("schedule %q: %s is not a key of the %s schedule, which takes %s", text, k, s.Type, keys)
		}
		if err := s.set(k, v); err != nil {
			return nil, fmt.Errorf("schedule %q: %s: %w", text, k, err)
		}
	}
	return s, nil
}

// scheduleKeys are the keys each type takes (the schema's [train.schedule] rule).
var scheduleKeys = map[string]string{
	SchedConstant:  "",
	SchedStep:      "step_size gamma",
	SchedMultiStep: "milestones gamma",
	SchedCosine:    "warmup warmup_factor min_lr",
	SchedOneCycle:  "pct_start div_factor final_div_factor anneal three_phase cycle_momentum base_momentum max_momentum",
}

func (s *Schedule) set(k, v string) error {
	num := func(dst *float64) error {
		f, err := strconv.ParseFloat(v, 64)
		if err != nil || !(f >= 0) {
			return fmt.Errorf("expected a non-negative number, found %q", v)
		}
		*dst = f
		return nil
	}
	integer := func(dst *int) error {
		i, err := strconv.Atoi(v)
		if err != nil || i < 0 {
			return fmt.Errorf("expected a non-negative integer, found %q", v)
		}
		*dst = i
		return nil
	}
	boolean := func() (bool, error) {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return false, fmt.Errorf("expected true or false, found %q", v)
		}
		return b, nil
	}
	switch k {
	case "step_size":
		return integer(&s.StepSize)
	case "milestones":
		s.Milestones = nil
		for _, m := range strings.Split(v, ":") {
			i, err := strconv.Atoi(m)
			if err != nil || i < 1 {
				return fmt.Errorf("expected epochs separated by ':', found %q", v)
			}
			s.Milestones = append(s.Milestones, i)
		}
		return nil
	case "gamma":
		return num(&s.Gamma)
	case "warmup":
		return integer(&s.Warmup)
	case "warmup_factor":
		return num(&s.WarmupFactor)
	case "min_lr":
		return num(&s.MinLR)
	case "pct_start":
		return num(&s.PctStart)
	case "div_factor":
		return num(&s.DivFactor)
	case "final_div_factor":
		return num(&s.FinalDivFactor)
	case "anneal":
		s.Anneal = v
		return nil
	case "three_phase":
		b, err := boolean()
		s.ThreePhase = b
		return err
	case "cycle_momentum":
		b, err := boolean()
		s.CycleMomentum = &b
		return err
	case "base_momentum":
		return num(&s.BaseMomentum)
	case "max_momentum":
		return num(&s.MaxMomentum)
	}
	return fmt.Errorf("not a schedule key (expected step_size, milestones, gamma, warmup, warmup_factor, min_lr, pct_start, div_factor, final_div_factor, anneal, three_phase, cycle_momentum, base_momentum or max_momentum)")
}
