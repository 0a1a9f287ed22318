package train

import (
	"fmt"
	"strings"

	"github.com/netc/netc/compiler/ir"
	"github.com/netc/netc/runner"
)

// Optim is the part of a recipe beyond the book's SGD: the optimizer, the learning-rate
// schedule, the loss, and fine-tuning. Zero values are the book's recipe; SpecRecipe
// takes them from the spec's [train] table.
type Optim struct {
	Optimizer      string           // runner.OptSGD ("" too) or runner.OptAdamW
	Nesterov       bool             // SGD
	Betas          []float64        // AdamW; nil: PyTorch's (0.9, 0.999)
	Eps            float64          // AdamW; 0: PyTorch's 1e-8
	LabelSmoothing float64          // CrossEntropyLoss(label_smoothing=)
	ClipGradNorm   float64          // clip_grad_norm_ max_norm; 0: no clipping
	Schedule       *runner.Schedule // nil: constant

	InitFrom string   // safetensors file whose matching tensors replace the initial weights
	Freeze   []string // parameter name prefixes that are not trained
}

// specOptim is the spec's [train] optimizer, schedule and loss keys as an Optim.
func specOptim(o ir.TrainOptim) Optim {
	r := Optim{Optimizer: o.Optimizer, Nesterov: o.Nesterov, Betas: o.Betas, Eps: o.Eps,
		LabelSmoothing: o.LabelSmoothing, ClipGradNorm: o.ClipGradNorm}
	if r.Optimizer == "" {
		r.Optimizer = runner.OptSGD
	}
	if o.Schedule.Type != "" {
		r.Schedule = scheduleFromSpec(o.Schedule)
	}
	return r
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
	case cfg.Optimizer != "" && cfg.Optimizer != runner.OptSGD && cfg.Optimizer != runner.OptAdamW:
		return fmt.Errorf("unknown optimizer %q (expected %s or %s)", cfg.Optimizer, runner.OptSGD, runner.OptAdamW)
	case cfg.Nesterov && (cfg.Optimizer == runner.OptAdamW || cfg.Momentum <= 0):
		return fmt.Errorf("Nesterov momentum needs SGD with a momentum above 0 (as torch.optim.SGD requires)")
	case cfg.Betas != nil && (len(cfg.Betas) != 2 || cfg.Betas[0] < 0 || cfg.Betas[0] >= 1 || cfg.Betas[1] < 0 || cfg.Betas[1] >= 1):
		return fmt.Errorf("betas must be two numbers in [0, 1), found %v", cfg.Betas)
	case !finite(cfg.Eps) || cfg.Eps < 0:
		return fmt.Errorf("eps is %g, it must be a finite number > 0", cfg.Eps)
	case !finite(cfg.LabelSmoothing) || cfg.LabelSmoothing < 0 || cfg.LabelSmoothing > 1:
		return fmt.Errorf("label smoothing is %g, it must be in [0, 1]", cfg.LabelSmoothing)
	case !finite(cfg.ClipGradNorm) || cfg.ClipGradNorm < 0:
		return fmt.Errorf("the gradient clipping norm is %g, it must be a finite number > 0", cfg.ClipGradNorm)
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
