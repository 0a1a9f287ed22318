// Package plan compiles a checked graph (compiler/ir) into an execution plan: an ordered
// list of steps, each a fused group of graph nodes bound to one kernel call, with every
// tensor placed in one arena. Passes rewrite the step graph one idea at a time (see
// passes.go for the table); the memory stage then plans buffers for inference, or for a
// training step (forward, loss, backward) where activations live exactly as long as
// backward needs them.
//
// The result, Plan, is plain data (JSON-dumpable): the runner binds it to kernels
// without re-deriving any shape.
//
// It is one of the eight packages of netc's Go API (the rest of the module is internal):
// compiler, compiler/ir, compiler/plan, runner, runner/train, kernels, tensorio, schema.
package plan

import (
	"fmt"

	"github.com/netc/netc/compiler/ir"
)

// Mode says what the plan is for.
type Mode int

const (
	Inference Mode = iota
	Training
)

var modeNames = [...]string{"inference", "training"}

func (m Mode) String() string {
	if m < 0 || int(m) >= len(modeNames) {
		return fmt.Sprintf("Mode(%d)", int(m))
	}
	return modeNames[m]
}

// MarshalText writes the mode's name, so a plan's JSON says "inference" or "training".
func (m Mode) MarshalText() ([]byte, error) {
	if m < 0 || int(m) >= len(modeNames) {
		return nil, fmt.Errorf("plan: no mode %d", int(m))
	}
	return []byte(modeNames[m]), nil
}

// UnmarshalText reads a mode's name.
func (m *Mode) UnmarshalText(b []byte) error {
	for i, name := range modeNames {
		if string(b) == name {
			*m = Mode(i)
			return nil
		}
	}
	return fmt.Errorf("plan: mode %q: want %q or %q", b, modeNames[Inference], modeNames[Training])
}

// Graph is the step graph the passes rewrite.
type Graph struct {
	Mode    Mode
	Src     *ir.Graph
	Calls   []*Call   // in schedule order
	Tensors []*Tensor // indexed by ID
	Input   int       // the network input value
	Output  int       // the logits value
	byName  map[string]*ir.Node
}

// Call is one kernel call: a main graph node and the nodes fused into it.
type Call struct {
	Op    ir.Op
	Name  string   // the main node's hierarchical name
	Fused []string // names of the other nodes this step computes, in graph order
	Attrs ir.Attrs
	Act   ir.Op // activation fused into the step (see fuseActivation), or ""
	// ActAttrs are that activation's attributes (leaky_relu's slope).
	ActAttrs *ir.Attrs
	FoldBN   string // inference: the batchnorm node folded into this conv or linear
	// PreBN, on a conv or average pooling (inference): the batchnorm, with PreAct (relu
	// or "") after it, applied to In[0] as the step reads it (see fusePreNorm).
	PreBN  string
	PreAct ir.Op
	// Residual, on a conv (inference): In[1] is added to the output before the
	// activation (see fuseResidual).
	Residual bool
	In       []int // values read
	Out      int   // value written
	// Alias marks a step that computes nothing: its output is its input's storage seen
	// with another shape (flatten, identity, dropout at inference).
	Alias bool
	// Copy, for a concat, says which inputs are copied; the others were placed in their
	// slice of the output by eliminate-concat.
	Copy []bool
	Dead bool // removed by a pass; deadcode drops it from the schedule
}

// Tensor is a tensor: one output of one step (or the network input).
type Tensor struct {
	ID       int
	Name     string   // the producing node
	Shape    ir.Shape // per sample
	Producer *Call    // nil for the network input
	// Storage: a value owns it (Root == ID) or lives inside another value's storage,
	// Offset channels in (eliminate-concat), or on top of it (in-place, alias). Passes
	// change them only through Graph.attach.
	Root   int
	Offset int

	// Where the storage chain ends, and the channels summed along it (see attach).
	owner, ownerOffset int
	guests             int // values whose Root is this one
}

// Elems is the element count of one sample.
func (v *Tensor) Elems() int { return int(v.Shape.Elems()) }

// consumers lists, for each value, the live steps that read it, in schedule order.
func (g *Graph) consumers() [][]*Call {
	out := make([][]*Call, len(g.Tensors))
	for _, s := range g.Calls {
		if s.Dead {
			continue
		}
		for _, in := range s.In {
			out[in] = append(out[in], s)
		}
	}
	return out
}

// lower builds the step graph from a checked graph: one step per node.
func lower(src *ir.Graph, mode Mode) *Graph {
	g := &Graph{Mode: mode, Src: src, byName: map[string]*ir.Node{}}
	valueOf := make([]int, len(src.Nodes))
	for _, n := range src.Nodes {
		g.byName[n.Name] = n
		v := &Tensor{ID: len(g.Tensors), Name: n.Name, Shape: n.Shape}
		v.Root, v.owner = v.ID, v.ID
		g.Tensors = append(g.Tensors, v)
		valueOf[n.ID] = v.ID
		if n.Op == ir.OpInput {
			g.Input = v.ID
			continue
		}
		s := &Call{Op: n.Op, Name: n.Name, Attrs: n.Attrs, Out: v.ID}
		for _, in := range n.Inputs {
			s.In = append(s.In, valueOf[in])
		}
		if n.Op == ir.OpConcat {
			s.Copy = make([]bool, len(s.In))
			for i := range s.Copy {
				s.Copy[i] = true
			}
		}
		v.Producer = s
		g.Calls = append(g.Calls, s)
	}
	g.Output = valueOf[src.Output().ID]
	return g
}

// attach makes value v live in value host's storage, channels in. Only a value that owns
// its storage and hosts no other may move, so a value that hosts another never moves
// again; the end of every chain is therefore fixed when the chain is made, and is
// recorded here once instead of being followed on every lookup.
func (g *Graph) attach(v *Tensor, host, channels int) {
	if v.Root != v.ID || v.guests > 0 {
		panic(fmt.Sprintf("plan: %s cannot move into %s: it already lives elsewhere or hosts another value", v.Name, g.Tensors[host].Name))
	}
	h := g.Tensors[host]
	v.Root, v.Offset = host, channels
	v.owner, v.ownerOffset = h.owner, h.ownerOffset+channels
	h.guests++
}

// rootOf is the value that owns id's storage, and id's channel offset inside it.
func (g *Graph) rootOf(id int) (root, offset int) {
	v := g.Tensors[id]
	return v.owner, v.ownerOffset
}

// hosts reports whether any other value lives in value id's storage.
func (g *Graph) hosts(id int) bool { return g.Tensors[id].guests > 0 }

// node finds a source node by name.
func (g *Graph) node(name string) *ir.Node {
	n, ok := g.byName[name]
	if !ok {
		panic(fmt.Sprintf("plan: no node %q", name))
	}
	return n
}
