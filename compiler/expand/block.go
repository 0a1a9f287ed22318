package expand

import (
	"fmt"
	"strings"

	"github.com/netc/netc/compiler/ast"
	"github.com/netc/netc/compiler/expr"
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
	return x.parallel(b, be, path, input, l)
}

// parallel expands a block's branches from the same input, merges them and applies `after`.
func (x *expander) parallel(b *ast.Block, e *env, path string, input int, use *ast.Layer) (int, bool) {
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
		if msg := x.mergeMismatch(b.Merge, outs, names); msg != "" {
			x.errs.Add(b.Pos, path, "%s", msg)
			return input, false
		}
		var ok bool
		if out, ok = x.addNode(ir.Op(b.Merge), path, ir.DefaultAttrs(ir.Op(b.Merge)), outs, b.Pos); !ok {
			return input, false
		}
	}
	return x.seq(b.After, e, path, out)
}

// mergeMismatch explains, with branch names, why branch outputs cannot be merged.
func (x *expander) mergeMismatch(merge string, outs []int, names []string) string {
	var parts []string
	for i, o := range outs {
		parts = append(parts, fmt.Sprintf("%s %s", names[i], x.g.Nodes[o].Shape))
	}
	list := strings.Join(parts, ", ")
	first := x.g.Nodes[outs[0]].Shape
	for _, o := range outs[1:] {
		s := x.g.Nodes[o].Shape
		switch merge {
		case "add":
			if !s.Equal(first) {
				return "add needs branch outputs of equal shape, found " + list
			}
		case "concat":
			if len(s) != len(first) || (len(s) == 3 && (s[1] != first[1] || s[2] != first[2])) {
				return "concat needs branch outputs of equal height and width, found " + list
			}
		}
	}
	return ""
}
