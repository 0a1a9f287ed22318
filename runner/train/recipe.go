package train

import (
	"fmt"
	"strings"

	"github.com/netc/netc/compiler/ir"
	"github.com/netc/netc/runner"
)

// Recipe is the part of a run beyond the book's SGD: the optimizer, the learning-rate
// schedule, the loss, and fine-tuning. Each field comes from its flag, else from the
// spec's [train] table; zero values are the book's recipe.
type Recipe struct {
	Optimizer      string           // runner.OptSGD or runner.OptAdamW
	Nesterov       bool             // SGD
	Betas          []float64        // AdamW; nil: PyTorch's (0.9, 0.999)
	Eps            float64          // AdamW; 0: PyTorch's 1e-8
	LabelSmoothing float64          // CrossEntropyLoss(label_smoothing=)
	ClipGradNorm   float64          // clip_grad_norm_ max_norm; 0: no clipping
	Schedule       *runner.Schedule // nil: the spec's, else constant

	InitFrom string   // safetensors file whose matching tensors replace the initial weights
	Freeze   []string // parameter name prefixes that are not trained
}

// fillRecipe takes what the flags left unset from the spec. It runs before the weight
// decay is filled: a run switched to AdamW by --optimizer does not inherit the decay of
// the spec's SGD recipe (an L2 term, not a decoupled decay) but takes AdamW's default.
func (cfg *Config) fillRecipe(t ir.Train) {
	o := t.Optim
	if cfg.Optimizer == "" {
		cfg.Optimizer = o.Optimizer
	} else if cfg.Optimizer == runner.OptAdamW && o.Optimizer != runner.OptAdamW && cfg.WeightDecay == 0 {
		cfg.WeightDecay = runner.AdamWWeightDecay
	}
	if cfg.Optimizer == "" {
		cfg.Optimizer = runner.OptSGD
	}
	cfg.Nesterov = cfg.Nesterov || o.Nesterov
	if cfg.Betas == nil {
		cfg.Betas = o.Betas
	}
	if cfg.Eps == 0 {
		cfg.Eps = o.Eps
	}
	if cfg.LabelSmoothing == 0 {
		cfg.LabelSmoothing = o.LabelSmoothing
	}
	if cfg.ClipGradNorm == 0 {
		cfg.ClipGradNorm = o.ClipGradNorm
	}
	if cfg.Schedule == nil && o.Schedule.Type != "" {
		cfg.Schedule = scheduleFromSpec(o.Schedule)
	}
}

func scheduleFromSpec(s ir.TrainSchedule) *runner.Schedule {
	return &runner.Schedule{Type: s.Type, StepSize: s.StepSize, Milestones: s.Milestones, Gamma: s.Gamma,
		Warmup: s.Warmup, WarmupFactor: s.WarmupFactor, MinLR: s.MinLR,
		PctStart: s.PctStart, DivFactor: s.DivFactor, FinalDivFactor: s.FinalDivFactor, Anneal: s.Anneal,
		ThreePhase: s.ThreePhase, CycleMomentum: s.CycleMomentum, BaseMomentum: s.BaseMomentum, MaxMomentum: s.MaxMomentum}
}

// validateRecipe checks what the schema checks for the spec, for values from flags.
func (cfg *Config) validateRecipe() error {
	switch {
	case cfg.Optimizer != runner.OptSGD && cfg.Optimizer != runner.OptAdamW:
		return fmt.Errorf("unknown optimizer %q (expected %s or %s)", cfg.Optimizer, runner.OptSGD, runner.OptAdamW)
	case cfg.Nesterov && (cfg.Optimizer != runner.OptSGD || cfg.Momentum <= 0):
		return fmt.Errorf("Nesterov momentum needs SGD with a momentum above 0 (as torch.optim.SGD requires)")
	case cfg.Betas != nil && (len(cfg.Betas) != 2 || cfg.Betas[0] < 0 || cfg.Betas[0] >= 1 || cfg.Betas[1] < 0 || cfg.Betas[1] >= 1):
		return fmt.Errorf("betas must be two numbers in [0, 1), found %v", cfg.Betas)
	case cfg.Eps < 0:
		return fmt.Errorf("eps must be positive")
	case cfg.LabelSmoothing < 0 || cfg.LabelSmoothing > 1:
		return fmt.Errorf("label smoothing must be in [0, 1], found %g", cfg.LabelSmoothing)
	case cfg.ClipGradNorm < 0:
		return fmt.Errorf("the gradient clipping norm must be positive")
	}
	if cfg.Schedule != nil {
		return cfg.Schedule.Validate(cfg.Epochs)
	}
	return nil
}

// schedule is the run's schedule (constant when none is given).
func (cfg *Config) schedule() *runner.Schedule {
	if cfg.Schedule == nil {
		return &runner.Schedule{}
	}
	return cfg.Schedule
}

// optimizerConfig is the runner's view of the recipe.
func (cfg *Config) optimizerConfig() runner.OptimizerConfig {
	c := runner.OptimizerConfig{Name: cfg.Optimizer, LR: cfg.LR, Momentum: cfg.Momentum, Nesterov: cfg.Nesterov,
		WeightDecay: cfg.WeightDecay, Eps: cfg.Eps, MomentumBuffers: cfg.schedule().CyclesMomentum()}
	if len(cfg.Betas) == 2 {
		c.Betas = [2]float64{cfg.Betas[0], cfg.Betas[1]}
	}
	return c
}

// OptimizerSummary describes the optimizer, schedule and loss in a few words, for the
// run's header line.
func (cfg *Config) OptimizerSummary() string {
	var parts []string
	if cfg.Optimizer == runner.OptAdamW {
		b := []float64{runner.AdamWBeta1, runner.AdamWBeta2}
		if cfg.Betas != nil {
			b = cfg.Betas
		}
		eps := cfg.Eps
		if eps == 0 {
			eps = runner.AdamWEps
		}
		parts = append(parts, fmt.Sprintf("AdamW (betas %g/%g, eps %g, weight decay %g)", b[0], b[1], eps, cfg.WeightDecay))
	} else {
		nesterov := ""
		if cfg.Nesterov {
			nesterov = "Nesterov "
		}
		parts = append(parts, fmt.Sprintf("SGD (%smomentum %g, weight decay %g)", nesterov, cfg.Momentum, cfg.WeightDecay))
	}
	if s := cfg.schedule(); s.Type != "" && s.Type != runner.SchedConstant {
		parts = append(parts, s.Type+" schedule")
	}
	if cfg.LabelSmoothing != 0 {
		parts = append(parts, fmt.Sprintf("label smoothing %g", cfg.LabelSmoothing))
	}
	if cfg.ClipGradNorm != 0 {
		parts = append(parts, fmt.Sprintf("gradients clipped to norm %g", cfg.ClipGradNorm))
	}
	return strings.Join(parts, ", ")
}
