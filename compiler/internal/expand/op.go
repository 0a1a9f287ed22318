package expand

import (
	"fmt"
	"sort"
	"strings"

	"github.com/netc/netc/compiler/internal/ast"
	"github.com/netc/netc/compiler/internal/diag"
	"github.com/netc/netc/compiler/internal/load"
	"github.com/netc/netc/compiler/internal/names"
	"github.com/netc/netc/compiler/ir"
)

// opLayer binds an op's attributes and adds its node, and its activation when `act` is set.
func (x *expander) opLayer(l *ast.Layer, args []*ast.Arg, e *env, prefix, name string, seq counter, input int) (int, bool) {
	op := ir.Op(l.Op)
	spec := ir.Lookup(op)
	path := join(prefix, name)
	attrs := spec.Defaults()
	set := map[string]bool{}
	act := ""
	for _, a := range args {
		as := spec.Attr(a.Key)
		if as == nil {
			// Direct attributes were checked by the schema; this is a for-list key.
			x.errs.Add(a.KeyPos, path, "%s has no attribute %s%s", op, diag.Quote(a.Key), attrHint(spec, a.Key))
			return input, false
		}
		if set[a.Key] {
			x.errs.Add(a.KeyPos, path, "%q is set both on the layer and in its for-list", a.Key)
			return input, false
		}
		set[a.Key] = true
		if as.Kind == ir.KindActivation {
			act = a.Node.Str
			continue
		}
		if !x.bindAttr(&attrs, as, a, e, path) {
			return input, false
		}
	}
	for _, as := range spec.Attrs {
		if as.Required && !set[as.Name] {
			x.errs.Add(l.Pos, path, "%s needs %q (%s)", op, as.Name, as.Doc)
			return input, false
		}
	}
	for i := range spec.Attrs {
		if as := &spec.Attrs[i]; as.DefaultFrom != "" && !set[as.Name] {
			as.Set(&attrs, spec.Attr(as.DefaultFrom).Get(&attrs)) // a pool's stride is its window
		}
	}
	out, ok := x.addNode(op, path, attrs, []int{input}, l.Pos)
	if ok {
		x.g.Nodes[out].Exprs = exprSources(args)
	}
	if !ok || act == "" {
		return out, ok
	}
	return x.addNode(ir.Op(act), join(prefix, seq.next(act)), ir.DefaultAttrs(ir.Op(act)), []int{out}, l.Pos)
}

func attrHint(spec *ir.OpSpec, key string) string {
	var known []string
	for _, a := range spec.Attrs {
		known = append(known, a.Name)
	}
	sort.Strings(known)
	if s := names.Suggest(key, known); s != "" {
		return fmt.Sprintf(" (did you mean %q?)", s)
	}
	if len(known) == 0 {
		return "; it takes none"
	}
	return "; it has: " + fmt.Sprint(known)
}

// bindAttr evaluates one attribute into attrs.
func (x *expander) bindAttr(attrs *ir.Attrs, as *ir.AttrSpec, a *ast.Arg, e *env, path string) bool {
	switch as.Kind {
	case ir.KindInt:
		v, ok := x.intValue(a, e, path, int64(as.Min))
		if !ok {
			return false
		}
		as.Set(attrs, v)
	case ir.KindIntPair:
		var pair [2]int
		if a.Node.Kind == load.Array {
			if len(a.Items) != 2 {
				x.errs.Add(a.Node.Pos, path, "%s: a pair is [height, width], found %d elements", a.Key, len(a.Items))
				return false
			}
			for i, it := range a.Items {
				v, ok := x.intValue(it, e, path, int64(as.Min))
				if !ok {
					return false
				}
				pair[i] = v
			}
		} else {
			p, ok := x.pairValue(a, e, path, int64(as.Min))
			if !ok {
				return false
			}
			pair = p
		}
		as.Set(attrs, pair)
	case ir.KindBool:
		v, ok := x.boolValue(a, e, path)
		if !ok {
			return false
		}
		as.Set(attrs, v)
	case ir.KindFloat:
		f, ok := x.floatValue(a, e, path)
		if !ok {
			return false
		}
		if !as.InRange(f) {
			x.errs.Add(a.Node.Pos, path, "%s = %s is %v, out of range (%s)", a.Key, a, f, as.Doc)
			return false
		}
		as.Set(attrs, f)
	}
	return true
}

// exprSources maps each argument written as an expression to its source text.
func exprSources(args []*ast.Arg) map[string]string {
	var m map[string]string
	for _, a := range args {
		if a.Expr == nil {
			continue
		}
		if m == nil {
			m = map[string]string{}
		}
		m[a.Key] = strings.TrimSpace(a.Expr.Src)
	}
	return m
}
