package pytorch

import (
	"fmt"

	"github.com/netc/netc/compiler/ir"
	"github.com/netc/netc/internal/ops"
)

// slot is one argument of a constructor call, with this instance's value. When a block's
// instances disagree on it, it becomes (an expression of) a constructor parameter.
type slot struct {
	kw   string // keyword; "" for a positional argument
	val  value
	def  *value // left out of the call when every instance has this value
	hint string // a name for the parameter it may become: the spec's expression, if a name
	role string // a fallback name: in, out, or the keyword
}

// leafCall is the PyTorch layer that computes node n exactly as netc does, as the
// constructor and its arguments, from the op's declaration. hint returns the spec's
// expression for an attribute when it is a plain parameter name ("c", "stride"), else "".
func leafCall(g *ir.Graph, n *ir.Node, hint func(attr string) string) (string, []slot, error) {
	o := ops.Lookup(n.Op)
	if o == nil || o.Torch == nil {
		return "", nil, fmt.Errorf("%s: op %s has no PyTorch layer", n.Name, n.Op)
	}
	var in ir.Shape
	if len(n.Inputs) > 0 {
		in = g.InputShape(n)
	}
	class, args := o.Torch(n, in)
	slots := make([]slot, len(args))
	for i, a := range args {
		v, err := literal(a.Value)
		if err != nil {
			return "", nil, fmt.Errorf("%s: %s argument %d: %w", n.Name, class, i, err)
		}
		s := slot{kw: a.Keyword, val: v, role: a.Role}
		if a.Default != nil {
			d, err := literal(a.Default)
			if err != nil {
				return "", nil, fmt.Errorf("%s: %s argument %d default: %w", n.Name, class, i, err)
			}
			if v.kind == vPair && d.kind == vInt {
				d = pairVal([2]int{d.i, d.i})
			}
			s.def = &d
		}
		if a.Attr != "" {
			s.hint = hint(a.Attr)
		}
		slots[i] = s
	}
	return class, slots, nil
}

// literal turns a declared argument value into a Python literal.
func literal(v any) (value, error) {
	switch v := v.(type) {
	case int:
		return intVal(v), nil
	case [2]int:
		return pairVal(v), nil
	case bool:
		return boolVal(v), nil
	case float64:
		return floatVal(v), nil
	}
	return value{}, fmt.Errorf("no Python literal for %T", v)
}
