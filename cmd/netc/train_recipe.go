package main

import (
	"fmt"
	"io"
	"math"
	"strings"

	"github.com/spf13/pflag"

	"github.com/netc/netc/runner"
	"github.com/netc/netc/runner/train"
)

// recipeFlags are the flags of the optimizer, schedule, loss and fine-tuning. Each one
// given replaces its key of the spec's [train] table (a zero too: --clip-grad-norm 0
// turns the spec's clipping off, --nesterov=false its Nesterov momentum).
type recipeFlags struct {
	train.Optim
	schedule string
}

// recipeFlagNames cannot change a run being resumed.
var recipeFlagNames = []string{"optimizer", "nesterov", "betas", "eps", "label-smoothing", "clip-grad-norm", "schedule", "init-from", "freeze"}

func registerRecipeFlags(f *pflag.FlagSet) *recipeFlags {
	rf := &recipeFlags{}
	f.StringVar(&rf.Optimizer, "optimizer", "", "sgd or adamw (default: the spec's, else sgd); switching to adamw takes AdamW's weight decay 0.01 unless --weight-decay is given")
	f.BoolVar(&rf.Nesterov, "nesterov", false, "SGD with Nesterov momentum (needs momentum; default: the spec's)")
	f.Float64SliceVar(&rf.Betas, "betas", nil, "AdamW's betas, e.g. 0.9,0.999 (default: the spec's, else PyTorch's)")
	f.Float64Var(&rf.Eps, "eps", 0, "AdamW's eps (default: the spec's, else 1e-8)")
	f.Float64Var(&rf.LabelSmoothing, "label-smoothing", 0, "cross-entropy label smoothing in [0, 1] (default: the spec's, else 0)")
	f.Float64Var(&rf.ClipGradNorm, "clip-grad-norm", 0, "clip the gradients' total 2-norm to this; 0: no clipping (default: the spec's, else none)")
	f.StringVar(&rf.schedule, "schedule", "", "learning-rate schedule: TYPE[,key=value...] with the keys of [train.schedule], e.g. cosine,warmup=5 or multistep,milestones=30:60 (default: the spec's, else constant)")
	f.StringVar(&rf.InitFrom, "init-from", "", "start from the tensors of this safetensors file that match a parameter by name and shape; the rest are initialized")
	f.StringArrayVar(&rf.Freeze, "freeze", nil, "do not train the parameters under this name prefix (e.g. stem, or b1.conv); repeatable")
	return rf
}

// apply replaces the spec's values with the flags given, refusing values a flag alone
// can get wrong (usage errors, exit 2); combinations are train.New's to refuse. It runs
// after the book's recipe flags: a run switched to AdamW by --optimizer does not inherit
// the weight decay of the spec's SGD recipe (an L2 term, not a decoupled decay) but takes
// AdamW's default, unless --weight-decay is given.
func (rf *recipeFlags) apply(given func(string) bool, cfg *train.Config) error {
	finite := func(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }
	switch {
	case given("optimizer") && rf.Optimizer != runner.OptSGD && rf.Optimizer != runner.OptAdamW:
		return usageErrorf("--optimizer %q: expected %s or %s", rf.Optimizer, runner.OptSGD, runner.OptAdamW)
	case given("label-smoothing") && !(finite(rf.LabelSmoothing) && rf.LabelSmoothing >= 0 && rf.LabelSmoothing <= 1):
		return usageErrorf("--label-smoothing %g: it must be in [0, 1]", rf.LabelSmoothing)
	case given("clip-grad-norm") && !(finite(rf.ClipGradNorm) && rf.ClipGradNorm >= 0):
		return usageErrorf("--clip-grad-norm %g: it must be a finite number ≥ 0", rf.ClipGradNorm)
	case given("eps") && !(finite(rf.Eps) && rf.Eps > 0):
		return usageErrorf("--eps %g: it must be a positive finite number", rf.Eps)
	case given("betas") && len(rf.Betas) != 2:
		return usageErrorf("--betas takes two numbers, e.g. 0.9,0.999")
	}
	o := &cfg.Optim
	if given("optimizer") {
		if rf.Optimizer == runner.OptAdamW && o.Optimizer != runner.OptAdamW && !given("weight-decay") {
			cfg.WeightDecay = runner.AdamWWeightDecay
		}
		o.Optimizer = rf.Optimizer
	}
	if given("nesterov") {
		o.Nesterov = rf.Nesterov
	}
	if given("betas") {
		o.Betas = rf.Betas
	}
	if given("eps") {
		o.Eps = rf.Eps
	}
	if given("label-smoothing") {
		o.LabelSmoothing = rf.LabelSmoothing
	}
	if given("clip-grad-norm") {
		o.ClipGradNorm = rf.ClipGradNorm
	}
	if given("schedule") {
		s, err := runner.ParseSchedule(rf.schedule)
		if err != nil {
			return usageErrorf("--schedule: %v", err)
		}
		o.Schedule = s
	}
	o.InitFrom, o.Freeze = rf.InitFrom, rf.Freeze
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
