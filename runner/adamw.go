package runner

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/netc/netc/kernels"
	"github.com/netc/netc/tensorio"
)

// AdamW is torch.optim.AdamW over the trainable, unfrozen parameters: one first and
// second moment per parameter and one step count (every parameter steps together, so
// PyTorch's per-parameter counts are all equal to it).
type AdamW struct {
	Params *Params
	Rule   kernels.AdamW
	ExpAvg map[string][]float32
	ExpSq  map[string][]float32
	Steps  int // updates taken; the next is step Steps+1
}

// PyTorch's AdamW defaults.
const (
	AdamWBeta1       = 0.9
	AdamWBeta2       = 0.999
	AdamWEps         = 1e-8
	AdamWWeightDecay = 0.01
)

// NewAdamW allocates the moments. Zero betas and eps take PyTorch's defaults.
func NewAdamW(ps *Params, cfg OptimizerConfig) *AdamW {
	b := cfg.Betas
	if b == [2]float64{} {
		b = [2]float64{AdamWBeta1, AdamWBeta2}
	}
	eps := cfg.Eps
	if eps == 0 {
		eps = AdamWEps
	}
	o := &AdamW{Params: ps, Rule: kernels.AdamW{LR: cfg.LR, Beta1: b[0], Beta2: b[1], Eps: eps, WeightDecay: cfg.WeightDecay},
		ExpAvg: map[string][]float32{}, ExpSq: map[string][]float32{}}
	for _, p := range ps.List {
		if p.Trainable {
			o.ExpAvg[p.Name] = make([]float32, len(p.Data))
			o.ExpSq[p.Name] = make([]float32, len(p.Data))
		}
	}
	return o
}

// Step applies one update from the current gradients.
func (o *AdamW) Step() {
	o.Steps++
	for _, p := range o.Params.List {
		if updated(p) {
			o.Rule.Step(p.Data, p.Grad, o.ExpAvg[p.Name], o.ExpSq[p.Name], o.Steps)
		}
	}
	o.Params.Version++
}

// SetLR sets the learning rate.
func (o *AdamW) SetLR(lr float64) { o.Rule.LR = lr }

// SetMomentum sets beta1, as one-cycle does for Adam-type optimizers.
func (o *AdamW) SetMomentum(m float64) { o.Rule.Beta1 = m }

// Checkpoint names of AdamW's state (PyTorch's state_dict keys: exp_avg, exp_avg_sq, step).
const (
	adamExpAvgPrefix = "optimizer.exp_avg."
	adamExpSqPrefix  = "optimizer.exp_avg_sq."
	adamStepKey      = "optimizer_step"
)

// State is the moments and the step count.
func (o *AdamW) State() ([]tensorio.Tensor, map[string]string) {
	var ts []tensorio.Tensor
	for _, p := range o.Params.List {
		if m, ok := o.ExpAvg[p.Name]; ok {
			ts = append(ts, tensorio.Tensor{Name: adamExpAvgPrefix + p.Name, Shape: p.Shape, Data: m},
				tensorio.Tensor{Name: adamExpSqPrefix + p.Name, Shape: p.Shape, Data: o.ExpSq[p.Name]})
		}
	}
	return ts, map[string]string{adamStepKey: strconv.Itoa(o.Steps)}
}

// Restore loads the moments and the step count; every moment must be present.
func (o *AdamW) Restore(source string, ts []tensorio.Tensor, meta map[string]string) (map[string]bool, error) {
	steps, err := strconv.Atoi(meta[adamStepKey])
	if err != nil || steps < 0 {
		return nil, fmt.Errorf("%s: no AdamW step count (metadata %s = %q); was the run trained with another optimizer?", source, adamStepKey, meta[adamStepKey])
	}
	used := map[string]bool{}
	for _, t := range ts {
		for _, k := range []struct {
			prefix string
			m      map[string][]float32
		}{{adamExpAvgPrefix, o.ExpAvg}, {adamExpSqPrefix, o.ExpSq}} {
			name, ok := strings.CutPrefix(t.Name, k.prefix)
			if !ok {
				continue
			}
			buf, ok := k.m[name]
			if !ok {
				return nil, fmt.Errorf("%s: %s, but the network has no trainable parameter %s", source, t.Name, name)
			}
			if len(buf) != len(t.Data) {
				return nil, fmt.Errorf("%s: %s has %d values, the parameter %d", source, t.Name, len(t.Data), len(buf))
			}
			if msg := NonFinite(t.Shape, t.Data); msg != "" {
				return nil, fmt.Errorf("%s: %s holds %s", source, t.Name, msg)
			}
			copy(buf, t.Data)
			used[t.Name] = true
		}
	}
	for name := range o.ExpAvg {
		if !used[adamExpAvgPrefix+name] || !used[adamExpSqPrefix+name] {
			return nil, fmt.Errorf("%s: AdamW moments for %s are missing", source, name)
		}
	}
	o.Steps = steps
	return used, nil
}
