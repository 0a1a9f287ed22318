package ast

import (
	"github.com/netc/netc/compiler/internal/load"
	"github.com/netc/netc/compiler/ir"
)

// decodeTrainOptim reads the [train] keys of the optimizer, schedule and loss. The
// schema has checked every type and range already.
func decodeTrainOptim(n *load.Node) ir.TrainOptim {
	var o ir.TrainOptim
	if v := n.Get("optimizer"); v != nil {
		o.Optimizer = v.Str
	}
	if v := n.Get("nesterov"); v != nil {
		o.Nesterov = v.Bool
	}
	if v := n.Get("betas"); v != nil {
		for _, it := range v.Items {
			o.Betas = append(o.Betas, number(it))
		}
	}
	o.Eps = number(n.Get("eps"))
	o.LabelSmoothing = number(n.Get("label_smoothing"))
	o.ClipGradNorm = number(n.Get("clip_grad_norm"))
	s := n.Get("schedule")
	if s == nil {
		return o
	}
	sc := &o.Schedule
	if v := s.Get("type"); v != nil {
		sc.Type = v.Str
	}
	if v := s.Get("step_size"); v != nil {
		sc.StepSize = int(v.Int)
	}
	if v := s.Get("milestones"); v != nil {
		for _, it := range v.Items {
			sc.Milestones = append(sc.Milestones, int(it.Int))
		}
	}
	if v := s.Get("warmup"); v != nil {
		sc.Warmup = int(v.Int)
	}
	sc.Gamma, sc.WarmupFactor, sc.MinLR = number(s.Get("gamma")), number(s.Get("warmup_factor")), number(s.Get("min_lr"))
	sc.PctStart, sc.DivFactor, sc.FinalDivFactor = number(s.Get("pct_start")), number(s.Get("div_factor")), number(s.Get("final_div_factor"))
	sc.BaseMomentum, sc.MaxMomentum = number(s.Get("base_momentum")), number(s.Get("max_momentum"))
	if v := s.Get("anneal"); v != nil {
		sc.Anneal = v.Str
	}
	if v := s.Get("three_phase"); v != nil {
		sc.ThreePhase = v.Bool
	}
	if v := s.Get("cycle_momentum"); v != nil {
		b := v.Bool
		sc.CycleMomentum = &b
	}
	return o
}
