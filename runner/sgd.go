package runner

import "github.com/netc/netc/kernels"

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
		for _, p := range ps.List {
			if p.Trainable {
				o.Buffers[p.Name] = make([]float32, len(p.Data))
			}
		}
	}
	return o
}

// Step applies one update from the current gradients.
func (o *SGD) Step() {
	for _, p := range o.Params.List {
		if p.Trainable {
			o.Rule.Step(p.Data, p.Grad, o.Buffers[p.Name], !o.Started)
		}
	}
	o.Started = true
	o.Params.Version++
}
