package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/spf13/pflag"

	"github.com/netc/netc/runner"
	"github.com/netc/netc/runner/train"
)

// recipeFlags are the flags of the optimizer, schedule, loss and fine-tuning; each
// overrides its key of the spec's [train] table.
type recipeFlags struct {
	schedule string
	betas    []float64
	freeze   []string
}

// recipeFlagNames cannot change a run being resumed.
var recipeFlagNames = []string{"optimizer", "nesterov", "betas", "eps", "label-smoothing", "clip-grad-norm", "schedule", "init-from", "freeze"}

func registerRecipeFlags(f *pflag.FlagSet, cfg *train.Config) *recipeFlags {
	rf := &recipeFlags{}
	f.StringVar(&cfg.Optimizer, "optimizer", "", "sgd or adamw (default: the spec's, else sgd); switching to adamw takes AdamW's weight decay 0.01 unless --weight-decay is given")
	f.BoolVar(&cfg.Nesterov, "nesterov", false, "SGD with Nesterov momentum (needs --momentum)")
	f.Float64SliceVar(&rf.betas, "betas", nil, "AdamW's betas, e.g. 0.9,0.999 (default: the spec's, else PyTorch's)")
	f.Float64Var(&cfg.Eps, "eps", 0, "AdamW's eps (default: the spec's, else 1e-8)")
	f.Float64Var(&cfg.LabelSmoothing, "label-smoothing", 0, "cross-entropy label smoothing in [0, 1] (default: the spec's, else 0)")
	f.Float64Var(&cfg.ClipGradNorm, "clip-grad-norm", 0, "clip the gradients' total 2-norm to this (default: the spec's, else no clipping)")
	f.StringVar(&rf.schedule, "schedule", "", "learning-rate schedule: TYPE[,key=value...] with the keys of [train.schedule], e.g. cosine,warmup=5 or multistep,milestones=30:60 (default: the spec's, else constant)")
	f.StringVar(&cfg.InitFrom, "init-from", "", "start from the tensors of this safetensors file that match a parameter by name and shape; the rest are initialized")
	f.StringArrayVar(&rf.freeze, "freeze", nil, "do not train the parameters under this name prefix (e.g. stem, or b1.conv); repeatable")
	return rf
}

// apply moves the flags that need parsing into cfg and checks the values a flag alone
// can get wrong (usage errors, exit 2); combinations with the spec are train.New's.
func (rf *recipeFlags) apply(cfg *train.Config) error {
	switch {
	case cfg.Optimizer != "" && cfg.Optimizer != runner.OptSGD && cfg.Optimizer != runner.OptAdamW:
		return usageErrorf("--optimizer %q: expected %s or %s", cfg.Optimizer, runner.OptSGD, runner.OptAdamW)
	case cfg.LabelSmoothing < 0 || cfg.LabelSmoothing > 1:
		return usageErrorf("--label-smoothing must be in [0, 1]")
	case cfg.ClipGradNorm < 0, cfg.Eps < 0:
		return usageErrorf("--clip-grad-norm and --eps must be positive")
	}
	if rf.schedule != "" {
		s, err := runner.ParseSchedule(rf.schedule)
		if err != nil {
			return usageErrorf("--schedule: %v", err)
		}
		cfg.Schedule = s
	}
	if rf.betas != nil {
		if len(rf.betas) != 2 {
			return usageErrorf("--betas takes two numbers, e.g. 0.9,0.999")
		}
		cfg.Betas = rf.betas
	}
	cfg.Freeze = rf.freeze
	return nil
}

// recipeHeader prints what --init-from loaded and what --freeze froze.
func recipeHeader(w io.Writer, r *train.Run) {
	if rep := r.Init; rep != nil {
		fmt.Fprintf(w, "init from %s: %d tensors loaded, %d initialized\n", r.Cfg.InitFrom, len(rep.Loaded), len(rep.Kept)+len(rep.Mismatched))
		list(w, "  loaded", byTopLevel(rep.Loaded))
		for _, m := range rep.Mismatched {
			fmt.Fprintf(w, "  initialized (shape differs) %s\n", m)
		}
		list(w, "  initialized (not in the file)", rep.Kept)
		list(w, "  ignored (not in the network)", rep.Unused)
	}
	if len(r.Frozen) > 0 {
		fmt.Fprintf(w, "frozen: %d parameters under %s\n", len(r.Frozen), strings.Join(r.Cfg.Freeze, ", "))
	}
}

func list(w io.Writer, what string, names []string) {
	if len(names) > 0 {
		fmt.Fprintf(w, "%s: %s\n", what, strings.Join(names, ", "))
	}
}

// byTopLevel summarizes names by their first segment: "stem (6)", "stage1 (24)".
func byTopLevel(names []string) []string {
	var order []string
	count := map[string]int{}
	for _, n := range names {
		top, _, _ := strings.Cut(n, ".")
		if count[top] == 0 {
			order = append(order, top)
		}
		count[top]++
	}
	out := make([]string, len(order))
	for i, top := range order {
		out[i] = fmt.Sprintf("%s (%d)", top, count[top])
	}
	return out
}
