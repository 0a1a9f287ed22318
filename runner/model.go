package runner

import (
	"fmt"

	"github.com/netc/netc/kernels"

	"github.com/netc/netc/compiler/ir"
	"github.com/netc/netc/compiler/plan"
)

// Model is a compiled network with its parameters and one bound Net per (mode, batch
// size): a training loop needs the full batch and the last, smaller one; evaluation needs
// an inference plan. All Nets share the parameters.
type Model struct {
	Graph   *ir.Graph
	Params  *Params
	Disable []string // passes to leave out
	rng     *kernels.RNG
	nets    map[netKey]*Net
}

type netKey struct {
	mode  plan.Mode
	batch int
}

// NewModel allocates g's parameters, zeroed (call Params.Init or Params.Load); plans
// are built and bound by Net, per mode and batch size, on first use.
func NewModel(g *ir.Graph) (*Model, error) {
	ps := plan.ParamsOf(g)
	if err := CheckMemory("the parameters of "+g.Name+" and their gradients", ParamBytes(ps)); err != nil {
		return nil, err
	}
	return &Model{Graph: g, Params: NewParams(ps), rng: kernels.NewRNG(0), nets: map[netKey]*Net{}}, nil
}

// RNG is the dropout generator all of the model's Nets draw from, one stream.
func (m *Model) RNG() *kernels.RNG { return m.rng }

// SeedRNG restarts the dropout stream from seed.
func (m *Model) SeedRNG(seed uint64) { m.rng.Seed(seed) }

// Seed restores the dropout stream from a saved state (kernels.RNG.MarshalBinary).
func (m *Model) Seed(state []byte) error { return m.rng.UnmarshalBinary(state) }

// Net returns the bound network for a mode and batch size, building it on first use.
func (m *Model) Net(mode plan.Mode, batch int) (*Net, error) {
	k := netKey{mode, batch}
	if n, ok := m.nets[k]; ok {
		return n, nil
	}
	if mode == plan.Training {
		if err := CheckTrainBatch(m.Graph, batch); err != nil {
			return nil, err
		}
	}
	p, err := plan.Build(m.Graph, PlanOptions(mode, batch, m.Disable))
	if err != nil {
		return nil, err
	}
	n, err := New(p, m.Params, m.rng)
	if err != nil {
		return nil, fmt.Errorf("binding the %s plan at batch %d: %w", mode, batch, err)
	}
	m.nets[k] = n
	return n, nil
}

// Infer runs the network on x (n samples) and returns n x classes logits, in chunks of at
// most batch samples. trainMode normalizes with batch statistics (one chunk only, since
// statistics depend on the batch) with dropout off.
func (m *Model) Infer(x []float32, n, batch int, trainMode bool) ([]float32, error) {
	per := int(m.Graph.Input.Elems())
	if len(x) != n*per {
		return nil, fmt.Errorf("input holds %d values, %d samples of %s need %d", len(x), n, m.Graph.Input, n*per)
	}
	if trainMode {
		batch = n
	}
	classes := m.Graph.Classes
	out := make([]float32, n*classes)
	for start := 0; start < n; start += batch {
		size := min(batch, n-start)
		mode := plan.Inference
		if trainMode {
			mode = plan.Training
		}
		net, err := m.Net(mode, size)
		if err != nil {
			return nil, err
		}
		net.DropoutOff = true
		copy(net.Input(), x[start*per:(start+size)*per])
		net.Forward(trainMode)
		copy(out[start*classes:], net.Logits())
	}
	return out, nil
}
