// Package ir is the graph the compiler builds from a spec: nodes in execution order, each
// with its op, attributes, inputs, per-sample output shape, parameter count and MACs, the
// hierarchical name a user sees (b3.inception1.p2.conv2) and the spec position it came from.
//
// It is one of the eight packages of netc's Go API (the rest of the module is internal):
// compiler, compiler/ir, compiler/plan, runner, runner/train, kernels, tensorio, schema.
package ir

import (
	"fmt"
	"strings"

	"github.com/netc/netc/compiler/internal/diag"
)

// Shape is a per-sample tensor shape: [C, H, W] for feature maps, [F] once flattened.
type Shape []int

func (s Shape) String() string {
	parts := make([]string, len(s))
	for i, d := range s {
		parts[i] = fmt.Sprint(d)
	}
	return strings.Join(parts, "x")
}

// Elems is the number of elements of one sample (the compiler has bounded it to fit an int).
func (s Shape) Elems() int64 {
	n := int64(1)
	for _, d := range s {
		n *= int64(d)
	}
	return n
}

// Equal reports whether two shapes are the same.
func (s Shape) Equal(t Shape) bool {
	if len(s) != len(t) {
		return false
	}
	for i := range s {
		if s[i] != t[i] {
			return false
		}
	}
	return true
}

// Node is one operation of the graph.
type Node struct {
	ID     int
	Name   string // hierarchical, unique: b3.inception1.p2.conv2
	Op     Op
	Attrs  Attrs
	Inputs []int // IDs of the nodes it reads, in order
	Shape  Shape // per-sample output shape

	Params  int64 // trainable parameters (weights, biases, batchnorm affine)
	Buffers int64 // non-trainable state (batchnorm running mean and variance)
	MACs    int64 // multiply-accumulates for one sample (conv and linear only)

	Pos   diag.Pos // the spec layer it came from
	Scope []string // paths of the enclosing block instances and branches, outermost first

	// Exprs holds, for each attribute the spec wrote as an expression, its source
	// text (out = "c * 2"). Generated code borrows parameter names from it.
	Exprs map[string]string
}

// Group is a block instance or a branch: the unit that drawings collapse and summaries
// aggregate.
type Group struct {
	Path  string // b3.inception1, or b3.inception1.p2 for a branch
	Block string // the block's name in the spec; "" for a branch
	Merge string // concat or add for parallel blocks
	Pos   diag.Pos
}

// Graph is a compiled network. Nodes[0] is the input; the last node is the output.
type Graph struct {
	Name        string
	Description string // the spec's description, for generated documentation
	File        string
	Input       Shape
	Classes     int
	Params      map[string]string // resolved free parameters, for reports
	Nodes       []*Node
	Groups      map[string]*Group
	Train       Train
	Data        Data

	BlockPos map[string]diag.Pos // where each block of the spec is defined
}

// Train is the spec's training recipe.
type Train struct {
	LR          float64
	Epochs      int
	Batch       int
	Momentum    float64
	WeightDecay float64
	Init        string // xavier, kaiming or default
	Seed        int64
	Optim       TrainOptim
}

// TrainOptim is the recipe's optimizer, learning-rate schedule and loss beyond the
// book's plain SGD: the [train] keys optimizer, nesterov, betas, eps, label_smoothing,
// clip_grad_norm and the [train.schedule] table. Zero values are the book's recipe
// (SGD, constant rate, plain cross-entropy, no clipping); the runner applies PyTorch's
// defaults for what a chosen optimizer or schedule leaves out. (AdamW's default weight
// decay, 0.01, is filled into Train.WeightDecay when the spec writes none.)
type TrainOptim struct {
	Optimizer      string    // "sgd" or "adamw"; "" is sgd
	Nesterov       bool      // SGD
	Betas          []float64 // AdamW; nil: (0.9, 0.999)
	Eps            float64   // AdamW; 0: 1e-8
	LabelSmoothing float64
	ClipGradNorm   float64 // max total gradient norm; 0: no clipping
	Schedule       TrainSchedule
}

// TrainSchedule is [train.schedule]: a torch.optim.lr_scheduler and its arguments, named
// as PyTorch names them (runner.Schedule documents each).
type TrainSchedule struct {
	Type                                string // constant, step, multistep, cosine or onecycle; "" is constant
	StepSize                            int
	Milestones                          []int
	Gamma                               float64
	Warmup                              int
	WarmupFactor, MinLR                 float64
	PctStart, DivFactor, FinalDivFactor float64
	Anneal                              string
	ThreePhase                          bool
	CycleMomentum                       *bool
	BaseMomentum, MaxMomentum           float64
}

// Output is the last node.
func (g *Graph) Output() *Node { return g.Nodes[len(g.Nodes)-1] }

// Totals sums parameters, running statistics, MACs and per-sample activation elements
// (every node's output but the input, each counted once).
func (g *Graph) Totals() (params, buffers, macs, activations int64) {
	for _, n := range g.Nodes {
		params += n.Params
		buffers += n.Buffers
		macs += n.MACs
		if n.Op != OpInput {
			activations += n.Shape.Elems()
		}
	}
	return
}

// Consumers returns, for each node ID, the IDs of the nodes that read it.
func (g *Graph) Consumers() [][]int {
	out := make([][]int, len(g.Nodes))
	for _, n := range g.Nodes {
		for _, in := range n.Inputs {
			out[in] = append(out[in], n.ID)
		}
	}
	return out
}
