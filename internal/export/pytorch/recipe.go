package pytorch

import (
	"fmt"
	"strings"

	"github.com/netc/netc/compiler/ir"
)

// recipe is the spec's optimizer, schedule, label smoothing and clipping as the lines of
// PyTorch that train_ddp.py runs, so that the exported training follows the recipe netc
// train follows (the definitions netc's trajectory tests compare with). The book's SGD
// renders as it always has.
type recipe struct {
	Name      string // "SGD" or "AdamW", for the docstring
	Optimizer string // the torch.optim constructor
	Scheduler string // the lr_scheduler constructor, or ""
	PerStep   bool   // the scheduler steps after every batch (else after every epoch)
	LossArgs  string // extra arguments of F.cross_entropy
	Clip      string // clip_grad_norm_'s max_norm, or ""
}

func newRecipe(o ir.TrainOptim) recipe {
	r := recipe{Name: "SGD", Optimizer: `torch.optim.SGD(net.parameters(), lr=args.lr, momentum=model.TRAIN["momentum"],
                          weight_decay=model.TRAIN["weight_decay"]` + py(o.Nesterov, ", nesterov=True") + `)`}
	if o.Optimizer == "adamw" {
		betas := "(0.9, 0.999)"
		if len(o.Betas) == 2 {
			betas = fmt.Sprintf("(%s, %s)", floatVal(o.Betas[0]).py(), floatVal(o.Betas[1]).py())
		}
		eps := 1e-8
		if o.Eps != 0 {
			eps = o.Eps
		}
		r.Name = "AdamW"
		r.Optimizer = fmt.Sprintf(`torch.optim.AdamW(net.parameters(), lr=args.lr, betas=%s, eps=%s,
                            weight_decay=model.TRAIN["weight_decay"])`, betas, floatVal(eps).py())
	}
	if o.LabelSmoothing != 0 {
		r.LossArgs = ", label_smoothing=" + floatVal(o.LabelSmoothing).py()
	}
	if o.ClipGradNorm != 0 {
		r.Clip = floatVal(o.ClipGradNorm).py()
	}
	r.Scheduler, r.PerStep = scheduler(o.Schedule)
	return r
}

// scheduler is the lr_scheduler for s, with netc's defaults written out.
func scheduler(s ir.TrainSchedule) (string, bool) {
	or := func(v, d float64) string {
		if v == 0 {
			v = d
		}
		return floatVal(v).py()
	}
	const lrs = "torch.optim.lr_scheduler."
	switch s.Type {
	case "step":
		return fmt.Sprintf("%sStepLR(opt, step_size=%d, gamma=%s)", lrs, s.StepSize, or(s.Gamma, 0.1)), false
	case "multistep":
		ms := make([]string, len(s.Milestones))
		for i, m := range s.Milestones {
			ms[i] = fmt.Sprint(m)
		}
		return fmt.Sprintf("%sMultiStepLR(opt, milestones=[%s], gamma=%s)", lrs, strings.Join(ms, ", "), or(s.Gamma, 0.1)), false
	case "cosine":
		if s.Warmup == 0 {
			return fmt.Sprintf("%sCosineAnnealingLR(opt, T_max=args.epochs, eta_min=%s)", lrs, or(s.MinLR, 0)), false
		}
		return fmt.Sprintf("%sSequentialLR(opt, [%sLinearLR(opt, start_factor=%s, total_iters=%d),\n"+
			"        %sCosineAnnealingLR(opt, T_max=args.epochs - %d, eta_min=%s)], milestones=[%d])",
			lrs, lrs, or(s.WarmupFactor, 1.0/3), s.Warmup, lrs, s.Warmup, or(s.MinLR, 0), s.Warmup), false
	case "onecycle":
		anneal := s.Anneal
		if anneal == "" {
			anneal = "cos"
		}
		cycle := s.CycleMomentum == nil || *s.CycleMomentum
		return fmt.Sprintf("%sOneCycleLR(opt, max_lr=args.lr, epochs=args.epochs, steps_per_epoch=len(loader),\n"+
			"        pct_start=%s, anneal_strategy=%q, cycle_momentum=%s, base_momentum=%s, max_momentum=%s,\n"+
			"        div_factor=%s, final_div_factor=%s, three_phase=%s)",
			lrs, or(s.PctStart, 0.3), anneal, boolVal(cycle).py(), or(s.BaseMomentum, 0.85), or(s.MaxMomentum, 0.95),
			or(s.DivFactor, 25), or(s.FinalDivFactor, 1e4), boolVal(s.ThreePhase).py()), true
	}
	return "", false
}

func py(cond bool, s string) string {
	if cond {
		return s
	}
	return ""
}
