// Package ast is the typed form of a spec after schema validation: header, parameters,
// layers, blocks and the training recipe, each element with its source position.
// Expressions are parsed here, so every syntax error in every expression is reported at
// once, before anything is expanded.
package ast

import (
	"github.com/netc/netc/compiler/internal/diag"
	"github.com/netc/netc/compiler/internal/expr"
	"github.com/netc/netc/compiler/internal/load"
	"github.com/netc/netc/compiler/ir"
)

// Spec is a whole spec file.
type Spec struct {
	Doc         *load.Doc
	Name        string
	Description string
	Input       [3]int // channels, height, width
	InputPos    diag.Pos
	Classes     int
	ClassesPos  diag.Pos
	Params      []*Param
	Layers      []*Layer
	Blocks      map[string]*Block
	BlockOrder  []string // as written
	Train       *Train
	Data        *Data
}

// Param is a named parameter with its default.
type Param struct {
	Name  string
	Value expr.Value
	Pos   diag.Pos
}

// Block is a named, reusable piece of network.
type Block struct {
	Name     string
	Pos      diag.Pos
	Params   []*Param
	Layers   []*Layer // a sequential block
	Branches []*Branch
	Merge    string // concat or add, for a parallel block
	After    []*Layer
}

// Param returns the block parameter called name, or nil.
func (b *Block) Param(name string) *Param {
	for _, p := range b.Params {
		if p.Name == name {
			return p
		}
	}
	return nil
}

// Branch is one parallel path of a block.
type Branch struct {
	Name   string
	Pos    diag.Pos
	If     *Arg // nil: always present
	Layers []*Layer
}

// Layer is one entry of a layer list: an op, or the use of a block.
type Layer struct {
	Pos    diag.Pos
	Path   string // JSON pointer in the document
	Op     string // set for op layers
	Use    string // set for block uses
	UsePos diag.Pos
	Name   string
	If     *Arg
	Repeat *Arg
	For    []*ForItem // nil unless the layer repeats over a list
	Args   []*Arg     // op attributes or block arguments, as written
}

// ForItem is one table of a `for` list: keys added to the layer for one repetition.
type ForItem struct {
	Pos  diag.Pos
	Args []*Arg
}

// Arg is a key = value of a layer, a for-item or a branch condition. Its value is a
// literal, an expression (a string), or a list of either.
type Arg struct {
	Key    string
	KeyPos diag.Pos
	Node   *load.Node // the literal as written
	Expr   *expr.Expr // for a string value that is an expression
	Items  []*Arg     // for a list value
}

// ValuePos is where the value starts.
func (a *Arg) ValuePos() diag.Pos { return a.Node.Pos }

// Train is the [train] table.
type Train struct {
	Pos         diag.Pos
	LR          float64
	Epochs      int
	Batch       int
	Momentum    float64
	WeightDecay float64
	Init        string
	Seed        int64
	Optim       ir.TrainOptim
}
