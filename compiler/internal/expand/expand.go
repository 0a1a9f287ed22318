// Package expand turns a typed spec into the graph IR: it instantiates blocks, unrolls
// repeats and for-lists, evaluates expressions and conditions, and infers each node's
// shape, parameters and MACs as it goes. Expansion and inference are one walk because
// expressions read the inferred incoming shape (`in.c // 2`) and conditions on it decide
// the structure (`if = "in.c != c"`).
//
// Every error names the layer path (b3.inception1.p2.conv2) and the spec position of the
// layer definition. A failed layer ends its own sequence (what follows has no input
// shape), while sibling branches and the static checks still report their own errors.
package expand

import (
	"github.com/netc/netc/compiler/internal/ast"
	"github.com/netc/netc/compiler/internal/diag"
	"github.com/netc/netc/compiler/internal/expr"
	"github.com/netc/netc/compiler/ir"
)

// Limits that keep a hostile or mistaken spec from expanding without bound.
const (
	MaxNodes   = 100_000 // layers after expansion
	MaxRepeat  = 100_000 // repetitions of one layer
	MaxSteps   = 200_000 // layer instantiations, including empty and skipped ones
	MaxNesting = 64      // block instances inside each other
)

// Expand builds the graph of s. globals are the spec's free parameters after command-line
// overrides; input is channels, height, width.
func Expand(s *ast.Spec, globals map[string]expr.Value, input [3]int) (*ir.Graph, diag.List) {
	x := &expander{spec: s, used: map[string]bool{}}
	x.errs, x.reported = check(s, globals)
	x.cyclic = cyclicBlocks(s)
	g := &ir.Graph{
		Name: s.Name, File: s.Doc.File, Classes: s.Classes,
		Input:  ir.Shape{input[0], input[1], input[2]},
		Groups: map[string]*ir.Group{}, Description: s.Description, BlockPos: map[string]diag.Pos{},
	}
	for name, b := range s.Blocks {
		g.BlockPos[name] = b.Pos
	}
	x.g = g
	in := &ir.Node{ID: 0, Name: "input", Op: ir.OpInput, Shape: g.Input, Pos: s.InputPos}
	g.Nodes = append(g.Nodes, in)
	x.used["input"] = true

	top := &env{vars: map[string]expr.Value{}, globals: globals}
	out, ok := x.seq(s.Layers, top, "", 0)
	if ok && len(x.errs) == 0 {
		x.checkOutput(g.Nodes[out])
	}
	if t := s.Train; t != nil {
		g.Train = ir.Train{LR: t.LR, Epochs: t.Epochs, Batch: t.Batch, Momentum: t.Momentum, WeightDecay: t.WeightDecay, Init: t.Init, Seed: t.Seed, Optim: t.Optim}
	}
	if d := s.Data; d != nil {
		g.Data = ir.Data{Format: d.Format, Dir: d.Dir, ValSplit: d.ValSplit, Mean: d.Mean, Std: d.Std, Normalize: d.Normalize}
		if a := d.Augment; a != nil {
			g.Data.HFlip, g.Data.CropPadding, g.Data.ResizedCrop, g.Data.Scale, g.Data.Ratio = a.HFlip, a.CropPadding, a.ResizedCrop, a.Scale, a.Ratio
		}
	}
	return g, x.errs.Sorted()
}

type expander struct {
	spec    *ast.Spec
	g       *ir.Graph
	errs    diag.List
	cyclic  map[string]bool // blocks on a use cycle: reported by check, never entered
	stack   []string        // blocks being expanded, outermost first
	scope   []string        // group paths enclosing the current layer
	used    map[string]bool // node names and group paths taken
	steps   int
	aborted bool
	// reported holds expressions the static checks already found wrong; evaluating them
	// fails without a second message.
	reported map[*ast.Arg]bool
}

// abort stops all expansion with one error; used for limits, where going on would only
// repeat the same message thousands of times.
func (x *expander) abort(pos diag.Pos, path, format string, args ...any) {
	if !x.aborted {
		x.errs.Add(pos, path, format, args...)
		x.aborted = true
	}
}

// seq expands layers one after another from node input; it returns the last node.
func (x *expander) seq(layers []*ast.Layer, e *env, prefix string, input int) (int, bool) {
	names := newCounter(layers)
	cur := input
	for _, l := range layers {
		out, ok := x.layer(l, e, prefix, cur, names)
		if !ok {
			return cur, false
		}
		cur = out
	}
	return cur, true
}

// layer expands one layer entry, with its repetitions.
func (x *expander) layer(l *ast.Layer, e *env, prefix string, input int, names counter) (int, bool) {
	here := x.g.Nodes[input].Shape
	reps, repeated := 1, false
	switch {
	case l.For != nil:
		reps, repeated = len(l.For), true
	case l.Repeat != nil:
		n, ok := x.intValueIn(l.Repeat, e.withInput(here), join(prefix, baseName(l)), 0, MaxRepeat)
		if !ok {
			return input, false
		}
		reps, repeated = n, true
	}
	cur := input
	for k := 0; k < reps; k++ {
		if x.aborted {
			return cur, false
		}
		if x.steps++; x.steps > MaxSteps {
			x.abort(l.Pos, prefix, "the spec expands to more than %d layer instances; refusing before going further", MaxSteps)
			return cur, false
		}
		le := e.withInput(x.g.Nodes[cur].Shape)
		if repeated {
			le = le.withVar("i", expr.IntVal(int64(k)))
		}
		args := l.Args
		if l.For != nil {
			args = append(append([]*ast.Arg(nil), l.Args...), l.For[k].Args...)
		}
		name := x.layerName(l, names, repeated)
		if l.If != nil {
			keep, ok := x.boolValue(l.If, le, join(prefix, name))
			if !ok {
				return cur, false
			}
			if !keep {
				x.skipAct(l, names)
				continue
			}
		}
		var ok bool
		if l.Op != "" {
			cur, ok = x.opLayer(l, args, le, prefix, name, names, cur)
		} else {
			cur, ok = x.useLayer(l, args, le, join(prefix, name), k, cur)
		}
		if !ok {
			return cur, false
		}
	}
	return cur, true
}

// layerName names one instance of a layer: its written name, or its op or block name,
// numbered as the counter decides.
func (x *expander) layerName(l *ast.Layer, names counter, repeated bool) string {
	if l.Name != "" && !repeated {
		return l.Name
	}
	return names.next(baseName(l))
}

// skipAct consumes the number of a switched-off layer's activation too.
func (x *expander) skipAct(l *ast.Layer, names counter) {
	for _, a := range l.Args {
		if a.Key == "act" && a.Node != nil {
			names.next(a.Node.Str)
		}
	}
}

// intValueIn evaluates an integer argument with explicit bounds (repeat counts).
func (x *expander) intValueIn(a *ast.Arg, e *env, path string, lo, hi int64) (int, bool) {
	v, ok := x.value(a, e, path)
	if !ok {
		return 0, false
	}
	if v.Kind != expr.Int {
		x.errs.Add(a.Node.Pos, path, "%s = %s: expected an integer, found %s (%s)", a.Key, a, v.Kind, v)
		return 0, false
	}
	if v.I < lo || v.I > hi {
		if a.Expr != nil {
			x.errs.Add(a.Node.Pos, path, "%s = %s is %d here; it must be between %d and %d", a.Key, a, v.I, lo, hi)
		} else {
			x.errs.Add(a.Node.Pos, path, "%s = %d: must be between %d and %d", a.Key, v.I, lo, hi)
		}
		return 0, false
	}
	return int(v.I), true
}

// addNode appends a node after inferring its shape. msg names what went wrong.
func (x *expander) addNode(op ir.Op, name string, attrs ir.Attrs, inputs []int, pos diag.Pos) (int, bool) {
	if len(x.g.Nodes) >= MaxNodes {
		x.abort(pos, name, "the network expands to more than %d layers; refusing before allocating anything", MaxNodes)
		return 0, false
	}
	if x.used[name] {
		x.errs.Add(pos, name, "the name %q is used twice; give one of the layers another name", name)
		return 0, false
	}
	n := &ir.Node{ID: len(x.g.Nodes), Name: name, Op: op, Attrs: attrs, Inputs: inputs, Pos: pos,
		Scope: append([]string(nil), x.scope...)}
	shapes := make([]ir.Shape, len(inputs))
	for i, in := range inputs {
		shapes[i] = x.g.Nodes[in].Shape
	}
	if msg := ir.Lookup(op).Infer(n, shapes); msg != "" {
		x.errs.Add(pos, name, "%s", msg)
		return 0, false
	}
	x.used[name] = true
	x.g.Nodes = append(x.g.Nodes, n)
	return n.ID, true
}

// checkOutput insists that a classifier ends in one score per class.
func (x *expander) checkOutput(out *ir.Node) {
	want := ir.Shape{x.spec.Classes}
	if out.Shape.Equal(want) {
		return
	}
	hint := ""
	if len(out.Shape) == 3 {
		hint = "; end with { op = \"flatten\" } and a linear layer (or a conv to classes channels, a 1x1 pool and a flatten)"
	} else if len(out.Shape) == 1 {
		hint = "; make the last linear layer's out = \"classes\""
	}
	x.errs.Add(out.Pos, out.Name, "the network outputs %s per sample, but classes = %d needs %s%s", out.Shape, x.spec.Classes, want, hint)
}
