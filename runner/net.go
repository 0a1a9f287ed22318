package runner

import (
	"fmt"
	"math"

	"github.com/netc/netc/compiler/ir"
	"github.com/netc/netc/compiler/plan"
	"github.com/netc/netc/internal/ops"
	"github.com/netc/netc/kernels"
)

// Net is a plan bound to kernels: one arena for its batch size, one bound step per plan
// step, and the parameters (shared with other Nets of the same network). After New, a
// forward or training step allocates nothing.
type Net struct {
	Plan   *plan.Plan
	Params *Params
	Batch  int

	arena []float32
	steps []bound
	rng   *kernels.RNG

	// DropoutOff runs training-mode forward passes with dropout disabled (batchnorm still
	// uses batch statistics), as the parity tests compare with PyTorch.
	DropoutOff bool
	// LabelSmoothing is CrossEntropyLoss's label_smoothing for Loss (0: plain).
	LabelSmoothing float64

	labels  []int32
	version int // Params.Version the folded weights were computed from
}

// bound is one plan step bound to its kernels and its slices of the arena.
type bound interface {
	forward(n *Net, train bool)
	backward(n *Net)
}

// New binds a plan to kernels with the given parameters; dropout draws from rng.
func New(p *plan.Plan, params *Params, rng *kernels.RNG) (*Net, error) {
	if p.ArenaBytes%4 != 0 {
		return nil, fmt.Errorf("plan: arena of %d bytes is not whole float32s", p.ArenaBytes)
	}
	if err := CheckMemory(fmt.Sprintf("running the %s plan of %s at batch %d", p.Mode, p.Spec, p.Batch), NetBytes(p)); err != nil {
		return nil, err
	}
	n := &Net{Plan: p, Params: params, Batch: p.Batch, rng: rng, version: -1}
	n.arena = make([]float32, p.ArenaBytes/4)
	n.labels = make([]int32, p.Batch)
	for i := range p.Steps {
		s, err := n.bind(&p.Steps[i])
		if err != nil {
			return nil, fmt.Errorf("%s: %w", p.Steps[i].Name, err)
		}
		n.steps = append(n.steps, s)
	}
	return n, nil
}

// ForwardChecked runs the forward pass one step at a time and returns the name of the
// first step whose output holds a NaN or an infinity, or "" (slower; for diagnosis).
func (n *Net) ForwardChecked(train bool) string {
	if train && !n.Training() {
		train = false
	}
	if !train && n.version != n.Params.Version {
		n.refreshFolded()
	}
	for i, s := range n.steps {
		s.forward(n, train)
		if !finite(n.value(n.Plan.Steps[i].Out)) {
			return n.Plan.Steps[i].Name
		}
	}
	return ""
}

func finite(v kernels.View) bool {
	for i := 0; i < v.N; i++ {
		for _, x := range v.Sample(i) {
			if math.IsNaN(float64(x)) || math.IsInf(float64(x), 0) {
				return false
			}
		}
	}
	return true
}

// Training reports whether the plan has a backward pass.
func (n *Net) Training() bool { return n.Plan.Mode == plan.Training }

// RNG is the dropout generator, whose state checkpoints save.
func (n *Net) RNG() *kernels.RNG { return n.rng }

// Input is the arena slice the caller fills with a batch (N x C x H x W).
func (n *Net) Input() []float32 {
	v := n.Plan.Values[n.Plan.Input]
	return n.arena[v.At.Offset : v.At.Offset+int64(n.Batch*elems(v.Shape))]
}

// Logits is the output of the last forward pass (N x classes).
func (n *Net) Logits() []float32 {
	v := n.Plan.Values[n.Plan.Output]
	return n.arena[v.At.Offset : v.At.Offset+int64(n.Batch*n.Plan.Classes)]
}

// Forward runs the network on the batch in Input. train selects batch statistics and
// dropout (training plans only; an inference plan always evaluates).
func (n *Net) Forward(train bool) {
	if train && !n.Training() {
		train = false
	}
	if !train && n.version != n.Params.Version {
		n.refreshFolded()
	}
	for _, s := range n.steps {
		s.forward(n, train)
	}
}

// Loss computes the mean softmax cross-entropy of the logits against labels (smoothed by
// LabelSmoothing), writes the
// logits' gradient for Backward, and returns the loss and the number of correct
// predictions.
func (n *Net) Loss(labels []int32) (float32, int) {
	copy(n.labels, labels)
	out := n.Plan.Values[n.Plan.Output]
	var dlogits []float32
	if out.Grad != nil {
		dlogits = n.arena[out.Grad.Offset : out.Grad.Offset+int64(n.Batch*n.Plan.Classes)]
	}
	return kernels.SoftmaxCrossEntropySmoothed(n.Batch, n.Plan.Classes, n.LabelSmoothing, n.Logits(), n.labels, dlogits)
}

// Backward computes every parameter's gradient from the gradient Loss wrote.
func (n *Net) Backward() {
	for i := len(n.steps) - 1; i >= 0; i-- {
		n.steps[i].backward(n)
	}
}

// refreshFolded recomputes weights that fold a batchnorm, and an inference plan's
// packed conv weights, after parameters changed.
func (n *Net) refreshFolded() {
	for _, s := range n.steps {
		if f, ok := s.(interface{ fold() }); ok {
			f.fold()
		}
	}
	n.version = n.Params.Version
}

func elems(shape []int) int {
	e := 1
	for _, d := range shape {
		e *= d
	}
	return e
}

// view is a value's batch in the arena.
func (n *Net) view(pl plan.Placement, shape []int) kernels.View {
	l := elems(shape)
	span := (n.Batch-1)*pl.Stride + l
	return kernels.View{Data: n.arena[pl.Offset : pl.Offset+int64(span)], N: n.Batch, Len: l, Stride: pl.Stride}
}

func (n *Net) value(id int) kernels.View {
	v := n.Plan.Values[id]
	return n.view(v.At, v.Shape)
}

// grad is a value's gradient, or an empty view when it has none.
func (n *Net) grad(id int) kernels.View {
	v := n.Plan.Values[id]
	if v.Grad == nil {
		return kernels.View{}
	}
	return n.view(*v.Grad, v.Shape)
}

// param returns a step's parameter by suffix (weight, bias, ...) of node, or nil.
func (n *Net) param(node, suffix string) *Param { return n.Params.Get(node + "." + suffix) }

// activation computes y = act(x) for the activation fused into a step's epilogue; x and
// y may be the same view (in place).
func activation(s *plan.Step, x, y kernels.View) {
	ops.Lookup(s.Act).Act.Forward(actAttrs(s), x, y)
}

func actAttrs(s *plan.Step) ir.Attrs {
	if s.ActAttrs == nil {
		return ir.Attrs{}
	}
	return *s.ActAttrs
}

// activationBackward computes dx from dy and the fused activation's output y (the plan
// fuses only activations whose derivative needs no more than that in training).
func activationBackward(s *plan.Step, y, dy, dx kernels.View, accumulate bool) {
	ops.Lookup(s.Act).Act.Backward(actAttrs(s), kernels.View{}, y, dy, dx, accumulate)
}
