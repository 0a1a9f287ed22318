package expand

import (
	"fmt"

	"github.com/netc/netc/compiler/ast"
	"github.com/netc/netc/compiler/expr"
	"github.com/netc/netc/compiler/load"
)

// MaxAttrValue bounds every integer attribute (kernel, stride, channels...): far above any
// real network, low enough that products of a few stay well inside 64 bits.
const MaxAttrValue = 1 << 24

// value evaluates an argument: a literal, an expression, or a list of either.
func (x *expander) value(a *ast.Arg, e *env, path string) (expr.Value, bool) {
	switch a.Node.Kind {
	case load.Integer:
		return expr.IntVal(a.Node.Int), true
	case load.Bool:
		return expr.BoolVal(a.Node.Bool), true
	case load.String:
		if a.Expr == nil || x.reported[a] { // a syntax or name error, already reported
			return expr.Value{}, false
		}
		v, err := a.Expr.Eval(e)
		if err != nil {
			x.errs.Add(ast.ExprPos(a.Node, err.Offset), path, "%s = %q: %s", a.Key, a.Node.Str, err.Msg)
			return expr.Value{}, false
		}
		return v, true
	case load.Array:
		l := make([]int64, 0, len(a.Items))
		for _, it := range a.Items {
			v, ok := x.value(it, e, path)
			if !ok {
				return expr.Value{}, false
			}
			if v.Kind != expr.Int {
				x.errs.Add(it.Node.Pos, path, "%s: list elements must be integers, found %s", a.Key, v.Kind)
				return expr.Value{}, false
			}
			l = append(l, v.I)
		}
		return expr.ListVal(l), true
	case load.Float:
		x.errs.Add(a.Node.Pos, path, "%s: expected an integer, found the number %v", a.Key, a.Node.Float)
		return expr.Value{}, false
	}
	x.errs.Add(a.Node.Pos, path, "%s: unexpected value %s", a.Key, a)
	return expr.Value{}, false
}

// intValue evaluates an argument that must be an integer in [min, MaxAttrValue].
func (x *expander) intValue(a *ast.Arg, e *env, path string, min int64) (int, bool) {
	v, ok := x.value(a, e, path)
	if !ok {
		return 0, false
	}
	if v.Kind != expr.Int {
		x.errs.Add(a.Node.Pos, path, "%s = %s: expected an integer, found %s (%s)", a.Key, a, v.Kind, v)
		return 0, false
	}
	if v.I < min || v.I > MaxAttrValue {
		bound := fmt.Sprintf("at least %d", min)
		if v.I > MaxAttrValue {
			bound = fmt.Sprintf("at most %d", MaxAttrValue)
		}
		if a.Expr != nil {
			x.errs.Add(a.Node.Pos, path, "%s = %s is %d here; it must be %s", a.Key, a, v.I, bound)
		} else {
			x.errs.Add(a.Node.Pos, path, "%s = %d: must be %s", a.Key, v.I, bound)
		}
		return 0, false
	}
	return int(v.I), true
}

// boolValue evaluates a condition.
func (x *expander) boolValue(a *ast.Arg, e *env, path string) (bool, bool) {
	v, ok := x.value(a, e, path)
	if !ok {
		return false, false
	}
	if v.Kind != expr.Bool {
		x.errs.Add(a.Node.Pos, path, "%s = %s: expected a condition (true or false), found %s (%s)", a.Key, a, v.Kind, v)
		return false, false
	}
	return v.B, true
}
