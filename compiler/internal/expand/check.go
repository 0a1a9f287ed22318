package expand

import (
	"fmt"
	"sort"
	"strings"

	"github.com/netc/netc/compiler/internal/ast"
	"github.com/netc/netc/compiler/internal/diag"
	"github.com/netc/netc/compiler/internal/expr"
	"github.com/netc/netc/compiler/internal/names"
)

// Check runs the static checks alone, for specs the schema has rejected.
func Check(s *ast.Spec, globals map[string]expr.Value) diag.List {
	errs, _ := check(s, globals)
	return errs
}

// check finds what can be found without expanding: unknown blocks, unknown block
// parameters, unknown names in expressions, blocks that use themselves. It looks at every
// block, used or not, so a spec's mistakes are all reported in one run.
func check(s *ast.Spec, globals map[string]expr.Value) (diag.List, map[*ast.Arg]bool) {
	c := &checker{spec: s, globals: globals, bad: map[*ast.Arg]bool{}}
	c.layers(s.Layers, nil, "layers")
	for _, name := range s.BlockOrder {
		b := s.Blocks[name]
		scope := map[string]bool{"i": true}
		for _, p := range b.Params {
			scope[p.Name] = true
			if p.Name == "in" {
				c.errs.Add(p.Pos, "blocks."+name, "%q is reserved for the incoming shape; choose another parameter name", p.Name)
			}
		}
		where := "blocks." + name
		c.layers(b.Layers, scope, where+".layers")
		for _, br := range b.Branches {
			if br.If != nil {
				c.arg(br.If, scope, where+".branches."+br.Name)
			}
			c.layers(br.Layers, scope, where+".branches."+br.Name)
		}
		c.layers(b.After, scope, where+".after")
	}
	for _, cyc := range cycles(s) {
		holder := cyc.path[len(cyc.path)-2]
		c.errs.Add(cyc.pos, "blocks."+holder, "block %q uses itself: %s", cyc.path[0], strings.Join(cyc.path, " -> "))
	}
	return c.errs, c.bad
}

type checker struct {
	spec    *ast.Spec
	globals map[string]expr.Value
	errs    diag.List
	bad     map[*ast.Arg]bool // expressions already reported, which expansion skips quietly
}

// layers checks a layer list; scope holds the enclosing block's parameter names (nil at
// the top level).
func (c *checker) layers(ls []*ast.Layer, scope map[string]bool, where string) {
	for i, l := range ls {
		path := fmt.Sprintf("%s[%d]", where, i)
		// A repeated layer sees its own repetition index as i.
		own := scope
		if l.Repeat != nil || l.For != nil {
			own = map[string]bool{"i": true}
			for k := range scope {
				own[k] = true
			}
		}
		for _, a := range []*ast.Arg{l.If, l.Repeat} {
			if a != nil {
				c.arg(a, scope, path)
			}
		}
		args := append([]*ast.Arg(nil), l.Args...)
		for _, it := range l.For {
			args = append(args, it.Args...)
		}
		if l.Use != "" {
			c.use(l, args, own, path)
			continue
		}
		for _, a := range args {
			c.arg(a, own, path)
		}
	}
}

func (c *checker) use(l *ast.Layer, args []*ast.Arg, scope map[string]bool, path string) {
	b := c.spec.Blocks[l.Use]
	if b == nil {
		msg := "unknown block " + diag.Quote(l.Use)
		if s := names.Suggest(l.Use, c.spec.BlockOrder); s != "" {
			msg += fmt.Sprintf(" (did you mean %q?)", s)
		} else if len(c.spec.BlockOrder) > 0 {
			msg += "; blocks: " + strings.Join(c.spec.BlockOrder, ", ")
		} else {
			msg += "; define it under [blocks." + l.Use + "]"
		}
		c.errs.Add(l.UsePos, path, "%s", msg)
		return
	}
	var params []string
	for _, p := range b.Params {
		params = append(params, p.Name)
	}
	sort.Strings(params)
	used := usedNames(b)
	for _, a := range args {
		c.arg(a, scope, path)
		if b.Param(a.Key) != nil {
			if !used[a.Key] {
				c.errs.Add(a.KeyPos, path, "block %q never uses its parameter %q, so %s = %s changes nothing; refer to it inside the block (for example `stride = \"%s\"` on a layer) or leave the argument out",
					b.Name, a.Key, a.Key, a, a.Key)
			}
			continue
		}
		msg := fmt.Sprintf("block %q has no parameter %s", b.Name, diag.Quote(a.Key))
		if s := names.Suggest(a.Key, params); s != "" {
			msg += fmt.Sprintf(" (did you mean %q?)", s)
		} else if len(params) > 0 {
			msg += "; its parameters: " + strings.Join(params, ", ")
		} else {
			msg += "; it takes none"
		}
		c.errs.Add(a.KeyPos, path, "%s", msg)
	}
}

// usedNames lists the names the expressions of a block's own layers refer to (not those
// of the blocks it uses in turn, which have their own parameters).
func usedNames(b *ast.Block) map[string]bool {
	used := map[string]bool{}
	var visitArg func(a *ast.Arg)
	visitArg = func(a *ast.Arg) {
		if a == nil {
			return
		}
		for _, it := range a.Items {
			visitArg(it)
		}
		if a.Expr != nil {
			for _, ref := range a.Expr.Names() {
				used[ref.Name] = true
			}
		}
	}
	visitLayers := func(ls []*ast.Layer) {
		for _, l := range ls {
			visitArg(l.If)
			visitArg(l.Repeat)
			for _, a := range l.Args {
				visitArg(a)
			}
			for _, it := range l.For {
				for _, a := range it.Args {
					visitArg(a)
				}
			}
		}
	}
	visitLayers(b.Layers)
	visitLayers(b.After)
	for _, br := range b.Branches {
		visitArg(br.If)
		visitLayers(br.Layers)
	}
	return used
}

// arg checks that every name an expression uses is in scope. An expression with unknown
// names gets one error, at the first, naming a few of the others: a long expression of
// misspelt names is one mistake to fix, not thousands of lines.
func (c *checker) arg(a *ast.Arg, scope map[string]bool, path string) {
	for _, it := range a.Items {
		c.arg(it, scope, path)
	}
	if a.Expr == nil {
		return
	}
	var unknown []expr.NameRef
	seen := map[string]bool{}
	for _, ref := range a.Expr.Names() {
		if ref.Name == "in" || scope[ref.Name] || seen[ref.Name] {
			continue
		}
		if _, ok := c.globals[ref.Name]; ok {
			continue
		}
		seen[ref.Name] = true
		unknown = append(unknown, ref)
	}
	if len(unknown) == 0 {
		return
	}
	ref := unknown[0]
	known := []string{"in"}
	for k := range scope {
		known = append(known, k)
	}
	for k := range c.globals {
		known = append(known, k)
	}
	sort.Strings(known)
	msg := "unknown name " + diag.Quote(ref.Name)
	switch s := names.Suggest(ref.Name, known); {
	case ref.Name == "i":
		msg += "; i is the repetition index, defined inside blocks and on layers with repeat or for"
	case s != "":
		msg += fmt.Sprintf(" (did you mean %q?)", s)
	default:
		msg += "; names here: " + strings.Join(known, ", ")
	}
	if more := unknown[1:]; len(more) > 0 {
		const listed = 3
		var quoted []string
		for _, r := range more[:min(listed, len(more))] {
			quoted = append(quoted, diag.Quote(r.Name))
		}
		msg += "; also unknown: " + strings.Join(quoted, ", ")
		if len(more) > listed {
			msg += fmt.Sprintf(" and %d more", len(more)-listed)
		}
	}
	c.errs.Add(ast.ExprPos(a.Node, ref.Offset), c.spec.Doc.DisplayPath(a.Node.Path), "%s: %s", diag.Quote(a.Node.Str), msg)
	c.bad[a] = true
}

type cycle struct {
	path []string
	pos  diag.Pos
}

// cycles finds blocks that use themselves, directly or through others. Each cycle is
// reported once, from the block that comes first in the spec.
func cycles(s *ast.Spec) []cycle {
	uses := func(b *ast.Block) []*ast.Layer {
		var out []*ast.Layer
		add := func(ls []*ast.Layer) {
			for _, l := range ls {
				if l.Use != "" && s.Blocks[l.Use] != nil {
					out = append(out, l)
				}
			}
		}
		add(b.Layers)
		add(b.After)
		for _, br := range b.Branches {
			add(br.Layers)
		}
		return out
	}
	var found []cycle
	reported := map[string]bool{}
	const (
		white = iota
		grey
		black
	)
	color := map[string]int{}
	var stack []string
	var visit func(name string)
	visit = func(name string) {
		color[name] = grey
		stack = append(stack, name)
		for _, l := range uses(s.Blocks[name]) {
			switch color[l.Use] {
			case white:
				visit(l.Use)
			case grey:
				i := len(stack) - 1
				for stack[i] != l.Use {
					i--
				}
				path := append(append([]string(nil), stack[i:]...), l.Use)
				if !reported[l.Use] {
					reported[l.Use] = true
					found = append(found, cycle{path: path, pos: l.UsePos})
				}
			}
		}
		stack = stack[:len(stack)-1]
		color[name] = black
	}
	for _, name := range s.BlockOrder {
		if color[name] == white {
			visit(name)
		}
	}
	return found
}

// cyclicBlocks lists every block on some cycle, which the expander must not enter.
func cyclicBlocks(s *ast.Spec) map[string]bool {
	out := map[string]bool{}
	for _, c := range cycles(s) {
		for _, b := range c.path {
			out[b] = true
		}
	}
	return out
}
