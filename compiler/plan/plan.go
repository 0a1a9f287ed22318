package plan

import "github.com/netc/netc/compiler/ir"

// Plan is a compiled network ready to bind: steps in order, every tensor's place in one
// arena, and the totals `netc plan` reports. It is plain data; the runner needs nothing
// else (and re-derives no shape).
type Plan struct {
	Spec    string    `json:"spec"`
	Mode    Mode      `json:"mode"` // "inference" or "training"
	Batch   int       `json:"batch"`
	Classes int       `json:"classes"`
	Passes  []PassRun `json:"passes"` // the passes that ran, in order
	Input   int       `json:"input"`  // value id of the network input
	Output  int       `json:"output"` // value id of the logits
	Values  []Value   `json:"values"`
	Steps   []Step    `json:"steps"`
	Params  []Param   `json:"params"`
	Buffers []Buffer  `json:"buffers"`

	ArenaBytes      int64 `json:"arena_bytes"`       // the planned arena
	NaiveBytes      int64 `json:"naive_bytes"`       // every tensor its own buffer
	LowerBoundBytes int64 `json:"lower_bound_bytes"` // most bytes live at once over the schedule
}

// Placement locates a batch of one tensor in the arena: sample n starts at element
// Offset + n*Stride of the arena (float32 elements).
type Placement struct {
	Buffer int   `json:"buffer"`
	Offset int64 `json:"offset"`
	Stride int   `json:"stride"`
}

// Value is a tensor of the plan.
type Value struct {
	ID    int        `json:"id"`
	Name  string     `json:"name"` // the node that produces it
	Shape []int      `json:"shape"`
	At    Placement  `json:"at"`
	Grad  *Placement `json:"grad,omitempty"` // training: its gradient, when one is needed
}

// Step is one kernel call.
type Step struct {
	Name  string   `json:"name"`
	Op    ir.Op    `json:"op"`
	Fused []string `json:"fused,omitempty"` // other nodes computed by this step
	Act   ir.Op    `json:"act,omitempty"`   // activation fused into the step
	// ActAttrs are the fused activation's attributes, when it has any.
	ActAttrs *ir.Attrs `json:"act_attrs,omitempty"`
	FoldBN   string    `json:"fold_bn,omitempty"` // batchnorm folded into this conv or linear
	BNEps    float64   `json:"bn_eps,omitempty"`  // that batchnorm's eps
	// PreBN, on a conv or average pooling (inference): a batchnorm (eps PreBNEps, then
	// PreAct) applied to In[0] as the step reads it.
	PreBN    string  `json:"pre_bn,omitempty"`
	PreBNEps float64 `json:"pre_bn_eps,omitempty"`
	PreAct   ir.Op   `json:"pre_act,omitempty"`
	// Residual, on a conv: In[1] is added to the output before Act (inference).
	Residual bool     `json:"residual,omitempty"`
	Alias    bool     `json:"alias,omitempty"` // computes nothing: its output views its input
	Algo     string   `json:"algo,omitempty"`  // conv: the algorithm chosen for it
	Attrs    ir.Attrs `json:"attrs"`
	In       []int    `json:"in"`
	Out      int      `json:"out"`
	Copy     []bool   `json:"copy,omitempty"` // concat: inputs that are copied

	Params        []string   `json:"params,omitempty"`         // parameter tensors it reads
	Workspace     *Placement `json:"workspace,omitempty"`      // forward scratch (im2col)
	BackWorkspace *Placement `json:"back_workspace,omitempty"` // training: backward scratch
	Mask          *Placement `json:"mask,omitempty"`           // training: what forward keeps for backward (dropout mask, max-pool argmax, ...)

	// Training only, per input: whether backward computes its gradient (not for the
	// network input), and whether it adds to a gradient another step already wrote.
	NeedsGrad  []bool `json:"needs_grad,omitempty"`
	Accumulate []bool `json:"accumulate,omitempty"`
}

// Label names what the step computes, in the order it computes it: a batchnorm
// (and ReLU) applied to the input, the op, a folded batchnorm, the epilogue
// activation, and a conv's algorithm, e.g. "conv+bn+relu (winograd)" or
// "bn+relu+conv (winograd)"; "(view)" for a step that computes nothing.
func (s *Step) Label() string {
	l := string(s.Op)
	if s.PreBN != "" {
		pre := "bn+"
		if s.PreAct != "" {
			pre += string(s.PreAct) + "+"
		}
		l = pre + l
	}
	if s.FoldBN != "" {
		l += "+bn"
	}
	if s.Residual {
		l += "+add"
	}
	if s.Act != "" {
		l += "+" + string(s.Act)
	}
	switch {
	case s.Alias:
		l += " (view)"
	case s.Algo != "":
		l += " (" + s.Algo + ")"
	}
	return l
}

// Param is a parameter tensor; it lives outside the arena.
type Param struct {
	Name      string `json:"name"` // b3.inception1.p2.conv2.weight
	Node      string `json:"node"`
	Shape     []int  `json:"shape"`
	Trainable bool   `json:"trainable"`
	// How a fresh network fills it: the run's scheme from the fans (weights), PyTorch's
	// bias rule, or a constant.
	Init      ir.Init `json:"init"`
	InitValue float64 `json:"init_value,omitempty"`
}

// Buffer is one region of the arena.
type Buffer struct {
	ID     int    `json:"id"`
	Kind   string `json:"kind"` // input, activation, gradient, workspace, mask
	Name   string `json:"name"` // the value (or step) it was made for
	Bytes  int64  `json:"bytes"`
	Offset int64  `json:"offset"` // bytes from the arena start
	First  int    `json:"first"`  // schedule positions (see Schedule) where it is live
	Last   int    `json:"last"`
}

// Schedule names the positions buffers' live ranges refer to: the forward steps in
// order, then (training) the loss, then the backward of each forward step in reverse.
func (p *Plan) Schedule() []string {
	var out []string
	for _, s := range p.Steps {
		out = append(out, s.Name)
	}
	if p.Mode == Training {
		out = append(out, "loss")
		for i := len(p.Steps) - 1; i >= 0; i-- {
			out = append(out, "backward "+p.Steps[i].Name)
		}
	}
	return out
}
