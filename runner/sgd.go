package runner

import (
	"fmt"
	"strings"

	"github.com/netc/netc/kernels"
	"github.com/netc/netc/tensorio"
)

// SGD updates every trainable parameter as torch.optim.SGD does (the book's optimizer),
// keeping one momentum buffer per parameter when momentum is on. Its state (buffers and
// whether they started) goes into checkpoints.
type SGD struct {
	Params  *Params
	Rule    kernels.SGD
	Buffers map[string][]float32
	Started bool // momentum buffers hold a history (false before the first step)
}

// NewSGD allocates the optimizer's state.
func NewSGD(ps *Params, lr, momentum, weightDecay float32) *SGD {
	o := &SGD{Params: ps, Rule: kernels.SGD{LR: lr, Momentum: momentum, WeightDecay: weightDecay}, Buffers: map[string][]float32{}}
	if momentum != 0 {
		o.allocateBuffers()
	}
	return o
}

func (o *SGD) allocateBuffers() {
	for _, p := range o.Params.List {
		if p.Trainable {
			o.Buffers[p.Name] = make([]float32, len(p.Data))
		}
	}
}

// Step applies one update from the current gradients. Frozen parameters keep their
// values (and their buffers stay as they were).
func (o *SGD) Step() {
	for _, p := range o.Params.List {
		if updated(p) {
			o.Rule.Step(p.Data, p.Grad, o.Buffers[p.Name], !o.Started)
		}
	}
	o.Started = true
	o.Params.Version++
}

// SetLR sets the learning rate.
func (o *SGD) SetLR(lr float64) { o.Rule.LR = float32(lr) }

// SetMomentum sets the momentum (its buffers must exist: see OptimizerConfig).
func (o *SGD) SetMomentum(m float64) { o.Rule.Momentum = float32(m) }

// Checkpoint names of SGD's state.
const (
	sgdMomentumPrefix = "optimizer.momentum."
	sgdBeganKey       = "optimizer_began"
)

// State is the momentum buffers and whether they hold a history.
func (o *SGD) State() ([]tensorio.Tensor, map[string]string) {
	var ts []tensorio.Tensor
	for _, p := range o.Params.List {
		if buf, ok := o.Buffers[p.Name]; ok {
			ts = append(ts, tensorio.Tensor{Name: sgdMomentumPrefix + p.Name, Shape: p.Shape, Data: buf})
		}
	}
	return ts, map[string]string{sgdBeganKey: fmt.Sprint(o.Started)}
}

// Restore loads the momentum buffers and whether they started.
func (o *SGD) Restore(source string, ts []tensorio.Tensor, meta map[string]string) (map[string]bool, error) {
	switch meta[sgdBeganKey] {
	case "true", "false":
	default:
		return nil, fmt.Errorf("%s: checkpoint metadata unreadable: %s %q (expected true or false)", source, sgdBeganKey, meta[sgdBeganKey])
	}
	used := map[string]bool{}
	for _, t := range ts {
		name, ok := strings.CutPrefix(t.Name, sgdMomentumPrefix)
		if !ok {
			continue
		}
		buf, ok := o.Buffers[name]
		if !ok {
			return nil, fmt.Errorf("%s: momentum for %s, but this run has no momentum buffer for it (was momentum changed?)", source, name)
		}
		if len(buf) != len(t.Data) {
			return nil, fmt.Errorf("%s: momentum for %s has %d values, the parameter %d", source, name, len(t.Data), len(buf))
		}
		if msg := NonFinite(t.Shape, t.Data); msg != "" {
			return nil, fmt.Errorf("%s: momentum for %s holds %s", source, name, msg)
		}
		copy(buf, t.Data)
		used[t.Name] = true
	}
	o.Started = meta[sgdBeganKey] == "true"
	if o.Started {
		for _, p := range o.Params.List {
			if _, kept := o.Buffers[p.Name]; kept && !used[sgdMomentumPrefix+p.Name] {
				return nil, fmt.Errorf("%s: no momentum buffer %s%s, which the run keeps (momentum %g); the checkpoint is incomplete", source, sgdMomentumPrefix, p.Name, o.Rule.Momentum)
			}
		}
	}
	return used, nil
}
