// Package ops declares every op of the spec language, one file per op: its attributes,
// shape rule, parameters and cost, the facts the planner lowers it by, how the runner
// executes it forward and backward, its ONNX nodes, its PyTorch module, and its one-line
// description. Each declaration registers its compiler part with package ir; the runner
// and the exporters look the rest up here. Everything else (the JSON Schema, the op
// reference in docs/spec.md, `netc check`'s descriptions, `netc expand`'s defaults)
// derives from these declarations, and TestEveryOpIsWhole keeps each one complete.
//
// A program that compiles specs imports this package (cmd/netc does), as a program that
// decodes PNGs imports image/png.
package ops

import (
	"fmt"

	"github.com/netc/netc/compiler/ir"
)

// Op is one op's declaration.
type Op struct {
	ir.OpSpec

	// Run is how the runner executes the op (activations need only Act).
	Run Run
	// Act is the elementwise function of an activation, which the runner also applies in
	// the epilogue of a conv or linear the activation fused into.
	Act *Activation
	// ONNX writes the op's nodes; Torch names its PyTorch module. Merges are written by
	// the PyTorch exporter as an expression (MergeExpr) instead of a module.
	ONNX      func(e Emitter, n *ir.Node, in []string, out string) error
	Torch     func(n *ir.Node, in ir.Shape) (class string, args []TorchArg)
	MergeExpr func(ys []string) string
	// MergeList is the merge of a list the generated code builds at run time (when some
	// branches exist only in some instances of a block), with %s for the list.
	MergeList string
	// TorchHelper is the Python source of a module class the generated model.py defines
	// for this op, when PyTorch has none.
	TorchHelper string
}

var (
	byName = map[ir.Op]*Op{}
	all    []*Op
)

// register declares an op; the list in ops.go calls it in documentation order.
func register(o *Op) {
	if byName[o.Op] != nil {
		panic(fmt.Sprintf("ops: %q declared twice", o.Op))
	}
	byName[o.Op] = o
	all = append(all, o)
	ir.Register(&o.OpSpec)
}

// Lookup returns an op's declaration, or nil.
func Lookup(op ir.Op) *Op { return byName[op] }

// All lists every op in documentation order, merges last.
func All() []*Op { return append([]*Op(nil), all...) }
