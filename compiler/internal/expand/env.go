package expand

import (
	"github.com/netc/netc/compiler/internal/expr"
	"github.com/netc/netc/compiler/ir"
)

// env is the scope an expression is evaluated in. Scoping is lexical: a block's body sees
// its own parameters, its instance index `i`, the spec's free parameters and `classes`,
// and `in`, the shape arriving at the layer being evaluated; never the caller's names.
type env struct {
	vars    map[string]expr.Value // block parameters and i
	globals map[string]expr.Value // spec parameters and classes
	in      ir.Shape
}

func (e *env) Lookup(name string) (expr.Value, bool) {
	if name == "in" && e.in != nil {
		d := make([]int64, len(e.in))
		for i, x := range e.in {
			d[i] = int64(x)
		}
		return expr.ShapeVal(d), true
	}
	if v, ok := e.vars[name]; ok {
		return v, true
	}
	v, ok := e.globals[name]
	return v, ok
}

func (e *env) Names() []string {
	out := []string{"in"}
	for k := range e.vars {
		out = append(out, k)
	}
	for k := range e.globals {
		if _, shadowed := e.vars[k]; !shadowed {
			out = append(out, k)
		}
	}
	return out
}

// withInput returns a copy of e that sees shape s as `in`.
func (e *env) withInput(s ir.Shape) *env {
	c := *e
	c.in = s
	return &c
}

// withVar returns a copy of e with one more variable bound.
func (e *env) withVar(name string, v expr.Value) *env {
	c := *e
	c.vars = make(map[string]expr.Value, len(e.vars)+1)
	for k, x := range e.vars {
		c.vars[k] = x
	}
	c.vars[name] = v
	return &c
}
