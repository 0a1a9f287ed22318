package runner

import (
	"fmt"

	"github.com/netc/netc/tensorio"
)

// Optimizer names, as the spec's [train] optimizer key writes them.
const (
	OptSGD   = "sgd"
	OptAdamW = "adamw"
)

// Optimizer updates the trainable parameters that are not frozen from their gradients,
// and keeps the state a checkpoint must hold to continue exactly.
type Optimizer interface {
	// Step applies one update from the current gradients.
	Step()
	// SetLR sets the learning rate of the next steps (schedules call it before each step).
	SetLR(lr float64)
	// SetMomentum sets SGD's momentum or AdamW's beta1 (one-cycle cycles it).
	SetMomentum(m float64)
	// State is the optimizer's tensors under checkpoint names, and its scalar state as
	// metadata (shared, not copied).
	State() ([]tensorio.Tensor, map[string]string)
	// Restore loads what State wrote; source names the file in errors. Tensors whose
	// names are not the optimizer's are left out of consumed.
	Restore(source string, ts []tensorio.Tensor, meta map[string]string) (consumed map[string]bool, err error)
}

// OptimizerConfig selects and parameterizes an optimizer, as torch.optim does.
type OptimizerConfig struct {
	Name        string // OptSGD ("" too) or OptAdamW
	LR          float64
	Momentum    float64 // SGD
	Nesterov    bool    // SGD
	WeightDecay float64 // SGD: L2 added to the gradient; AdamW: decoupled
	Betas       [2]float64
	Eps         float64
	// MomentumBuffers makes SGD keep momentum buffers even at momentum 0 (a schedule
	// that cycles momentum sets it later).
	MomentumBuffers bool
}

// NewOptimizer builds the optimizer cfg names over ps.
func NewOptimizer(ps *Params, cfg OptimizerConfig) (Optimizer, error) {
	switch cfg.Name {
	case "", OptSGD:
		if cfg.Nesterov && cfg.Momentum <= 0 && !cfg.MomentumBuffers {
			return nil, fmt.Errorf("Nesterov momentum needs a momentum above 0")
		}
		o := NewSGD(ps, float32(cfg.LR), float32(cfg.Momentum), float32(cfg.WeightDecay))
		o.Rule.Nesterov = cfg.Nesterov
		if cfg.MomentumBuffers && cfg.Momentum == 0 {
			o.allocateBuffers()
		}
		return o, nil
	case OptAdamW:
		return NewAdamW(ps, cfg), nil
	}
	return nil, fmt.Errorf("unknown optimizer %q (expected %q or %q)", cfg.Name, OptSGD, OptAdamW)
}

// updated lists the parameters an optimizer steps: trainable and not frozen.
func updated(p *Param) bool { return p.Trainable && !p.Frozen }
