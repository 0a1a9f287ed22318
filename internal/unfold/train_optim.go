package unfold

import (
	"fmt"
	"strings"

	"github.com/netc/netc/compiler/ir"
)

// writeTrainOptim writes the [train] keys of the optimizer, schedule and loss that differ
// from the book's recipe, and the [train.schedule] table when there is one.
func writeTrainOptim(b *strings.Builder, o ir.TrainOptim) {
	if o.Optimizer != "" {
		fmt.Fprintf(b, "optimizer    = %s\n", quote(o.Optimizer))
	}
	if o.Nesterov {
		b.WriteString("nesterov     = true\n")
	}
	if o.Betas != nil {
		fmt.Fprintf(b, "betas        = %s\n", floats(o.Betas))
	}
	if o.Eps != 0 {
		fmt.Fprintf(b, "eps          = %s\n", float(o.Eps))
	}
	if o.LabelSmoothing != 0 {
		fmt.Fprintf(b, "label_smoothing = %s\n", float(o.LabelSmoothing))
	}
	if o.ClipGradNorm != 0 {
		fmt.Fprintf(b, "clip_grad_norm  = %s\n", float(o.ClipGradNorm))
	}
	s := o.Schedule
	if s.Type == "" {
		return
	}
	b.WriteString("\n[train.schedule]\n")
	fmt.Fprintf(b, "type = %s\n", quote(s.Type))
	ints := func(k string, v int) {
		if v != 0 {
			fmt.Fprintf(b, "%s = %d\n", k, v)
		}
	}
	nums := func(k string, v float64) {
		if v != 0 {
			fmt.Fprintf(b, "%s = %s\n", k, float(v))
		}
	}
	ints("step_size", s.StepSize)
	if s.Milestones != nil {
		parts := make([]string, len(s.Milestones))
		for i, m := range s.Milestones {
			parts[i] = fmt.Sprint(m)
		}
		fmt.Fprintf(b, "milestones = [%s]\n", strings.Join(parts, ", "))
	}
	nums("gamma", s.Gamma)
	ints("warmup", s.Warmup)
	nums("warmup_factor", s.WarmupFactor)
	nums("min_lr", s.MinLR)
	nums("pct_start", s.PctStart)
	nums("div_factor", s.DivFactor)
	nums("final_div_factor", s.FinalDivFactor)
	if s.Anneal != "" {
		fmt.Fprintf(b, "anneal = %s\n", quote(s.Anneal))
	}
	if s.ThreePhase {
		b.WriteString("three_phase = true\n")
	}
	if s.CycleMomentum != nil {
		fmt.Fprintf(b, "cycle_momentum = %v\n", *s.CycleMomentum)
	}
	nums("base_momentum", s.BaseMomentum)
	nums("max_momentum", s.MaxMomentum)
}

func floats(v []float64) string {
	parts := make([]string, len(v))
	for i, x := range v {
		parts[i] = float(x)
	}
	return "[" + strings.Join(parts, ", ") + "]"
}
