package expand

import (
	"fmt"
	"strings"

	"github.com/netc/netc/compiler/internal/ast"
	"github.com/netc/netc/compiler/internal/diag"
	"github.com/netc/netc/compiler/internal/expr"
	"github.com/netc/netc/compiler/ir"
)

// useLayer instantiates a block at path with the given arguments; k is the repetition
// index, which the block body sees as `i`.
func (x *expander) useLayer(l *ast.Layer, args []*ast.Arg, e *env, path string, k int, input int) (int, bool) {
	b := x.spec.Blocks[l.Use]
	if b == nil || x.cyclic[l.Use] {
		return input, false // reported by check
	}
	if len(x.stack) >= MaxNesting {
		x.abort(l.Pos, path, "blocks nested more than %d deep", MaxNesting)
		return input, false
	}
	vars := map[string]expr.Value{"i": expr.IntVal(int64(k))}
	for _, p := range b.Params {
		vars[p.Name] = p.Value
	}
	given := map[string]bool{}
	for _, a := range args {
		p := b.Param(a.Key)
		if p == nil {
			return input, false // reported by check
		}
		if given[a.Key] {
			x.errs.Add(a.KeyPos, path, "%q is set both on the layer and in its for-list", a.Key)
			return input, false
		}
		given[a.Key] = true
		v, ok := x.value(a, e, path)
		if !ok {
			return input, false
		}
		if v.Kind != p.Value.Kind {
			x.errs.Add(a.Node.Pos, path, "%s = %s: block %q expects %s for %q (its default is %s), found %s", a.Key, a, b.Name, p.Value.Kind, p.Name, p.Value, v.Kind)
			return input, false
		}
		vars[a.Key] = v
	}
	if x.used[path] || x.g.Groups[path] != nil {
		x.errs.Add(l.Pos, path, "the name %q is used twice; give one of the layers another name", path)
		return input, false
	}
	x.g.Groups[path] = &ir.Group{Path: path, Block: b.Name, Merge: b.Merge, Pos: l.Pos}

	x.stack = append(x.stack, b.Name)
	x.scope = append(x.scope, path)
	defer func() {
		x.stack = x.stack[:len(x.stack)-1]
		x.scope = x.scope[:len(x.scope)-1]
	}()
	be := &env{vars: vars, globals: e.globals}
	if len(b.Branches) == 0 {
		return x.seq(b.Layers, be, path, input)
	}
	var argText []string
	for _, a := range args {
		argText = append(argText, fmt.Sprintf("%s = %s", a.Key, vars[a.Key]))
	}
	return x.parallel(b, be, path, input, l, strings.Join(argText, ", "))
}

// parallel expands a block's branches from the same input, merges them and applies `after`.
func (x *expander) parallel(b *ast.Block, e *env, path string, input int, use *ast.Layer, args string) (int, bool) {
	in := x.g.Nodes[input].Shape
	var outs []int
	var names []string
	failed := false
	for _, br := range b.Branches {
		bpath := join(path, br.Name)
		if br.If != nil {
			keep, ok := x.boolValue(br.If, e.withInput(in), bpath)
			if !ok {
				failed = true
				continue
			}
			if !keep {
				continue
			}
		}
		x.g.Groups[bpath] = &ir.Group{Path: bpath, Pos: br.Pos}
		x.scope = append(x.scope, bpath)
		out, ok := x.seq(br.Layers, e, bpath, input)
		x.scope = x.scope[:len(x.scope)-1]
		if !ok {
			failed = true
			continue
		}
		outs = append(outs, out)
		names = append(names, br.Name)
	}
	if failed {
		return input, false
	}
	out := input
	switch len(outs) {
	case 0:
		x.errs.Add(use.Pos, path, "every branch of block %q is switched off by its condition", b.Name)
		return input, false
	case 1:
		out = outs[0] // one branch left: nothing to merge
	default:
		if d, bad := x.mergeMismatch(b, path, input, outs, names, use, args); bad {
			x.errs = append(x.errs, d)
			return input, false
		}
		var ok bool
		if out, ok = x.addNode(ir.Op(b.Merge), path, ir.DefaultAttrs(ir.Op(b.Merge)), outs, b.Pos); !ok {
			return input, false
		}
	}
	return x.seq(b.After, e, path, out)
}

// mergeMismatch explains, with branch names, why branch outputs cannot be merged: the
// merge op's own rule says what is wrong; notes point at the layer that gave each branch
// its shape and at the use of the block with its arguments; help suggests a fix.
func (x *expander) mergeMismatch(b *ast.Block, path string, input int, outs []int, names []string, use *ast.Layer, args string) (diag.Diagnostic, bool) {
	shapes := make([]ir.Shape, len(outs))
	var parts []string
	for i, o := range outs {
		shapes[i] = x.g.Nodes[o].Shape
		parts = append(parts, fmt.Sprintf("%s %s", names[i], shapes[i]))
	}
	op := ir.Op(b.Merge)
	msg := ir.Lookup(op).Infer(&ir.Node{Op: op, Inputs: outs}, shapes)
	if msg == "" {
		return diag.Diagnostic{}, false
	}
	d := diag.Diagnostic{Pos: b.Pos, Path: path, Msg: msg + ", found " + strings.Join(parts, ", ")}
	makers := make([]*ir.Node, len(outs))
	for i, o := range outs {
		if o == input {
			d.Notes = append(d.Notes, diag.Note{Pos: b.Pos, Msg: fmt.Sprintf("branch %s is empty: the identity, which passes on the block's input %s", names[i], shapes[i])})
			continue
		}
		makers[i] = x.shapeMaker(o, input)
		m := makers[i]
		d.Notes = append(d.Notes, diag.Note{Pos: m.Pos, Msg: fmt.Sprintf("branch %s gets its shape %s from %s (%s %s)", names[i], shapes[i], m.Name, m.Op, m.Describe())})
	}
	where := "here"
	if args != "" {
		where = "here with " + args
	}
	d.Notes = append(d.Notes, diag.Note{Pos: use.Pos, Msg: fmt.Sprintf("block %q is used %s, on an input of %s", b.Name, where, x.g.Nodes[input].Shape)})
	d.Help = mergeHelp(op, shapes, names, makers)
	return d, true
}

// shapeMaker walks back from a branch's output to the layer that last changed its shape
// (a conv's out or stride): the layer to look at when the shape is wrong.
func (x *expander) shapeMaker(out, input int) *ir.Node {
	n := x.g.Nodes[out]
	for len(n.Inputs) == 1 && n.Inputs[0] != input {
		prev := x.g.Nodes[n.Inputs[0]]
		if !prev.Shape.Equal(n.Shape) {
			break
		}
		n = prev
	}
	return n
}

// mergeHelp suggests the change that makes the first odd branch agree with the first one.
func mergeHelp(op ir.Op, shapes []ir.Shape, names []string, makers []*ir.Node) string {
	ref := shapes[0]
	for j := 1; j < len(shapes); j++ {
		s := shapes[j]
		if len(s) != 3 || len(ref) != 3 {
			return fmt.Sprintf("branches %s and %s must both end in feature maps, or both be flat", names[0], names[j])
		}
		if s[1] != ref[1] || s[2] != ref[2] {
			return fmt.Sprintf("branch %s ends at %dx%d and branch %s at %dx%d: give them the same total stride (and padding)", names[0], ref[1], ref[2], names[j], s[1], s[2])
		}
		if op != ir.OpConcat && s[0] != ref[0] {
			fix := func(i, c int) string {
				if m := makers[i]; m != nil && m.Op == ir.OpConv {
					return fmt.Sprintf("out = %d on %s", c, m.Name)
				}
				return fmt.Sprintf("a 1x1 conv with out = %d at the end of branch %s (a projection)", c, names[i])
			}
			return fmt.Sprintf("branches %s (%d channels) and %s (%d) must agree: %s, or %s", names[0], ref[0], names[j], s[0], fix(j, ref[0]), fix(0, s[0]))
		}
	}
	return ""
}
