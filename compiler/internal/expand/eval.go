package expand

import (
	"fmt"

	"github.com/netc/netc/compiler/internal/ast"
	"github.com/netc/netc/compiler/internal/diag"
	"github.com/netc/netc/compiler/internal/expr"
	"github.com/netc/netc/compiler/internal/load"
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
			x.errs.Add(ast.ExprPos(a.Node, err.Offset), path, "%s = %s: %s", a.Key, diag.Quote(a.Node.Str), err.Msg)
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
	return x.intIn(a, v, path, min)
}

// intIn checks that v, the value of a, is an integer in [min, MaxAttrValue].
func (x *expander) intIn(a *ast.Arg, v expr.Value, path string, min int64) (int, bool) {
	if v.Kind != expr.Int {
		hint := ""
		if v.Kind == expr.Float {
			hint = "; '/' divides into a number, '//' is floor division"
		}
		x.errs.Add(a.Node.Pos, path, "%s = %s: expected an integer, found %s (%s)%s", a.Key, a, v.Kind, v, hint)
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

// pairValue evaluates an argument that is one integer (used for both sides) or a list
// of two, such as a block parameter `k = [1, 7]` passed on to a conv's `k`.
func (x *expander) pairValue(a *ast.Arg, e *env, path string, min int64) ([2]int, bool) {
	v, ok := x.value(a, e, path)
	if !ok {
		return [2]int{}, false
	}
	if v.Kind != expr.List {
		i, ok := x.intIn(a, v, path, min)
		return [2]int{i, i}, ok
	}
	if len(v.L) != 2 {
		x.errs.Add(a.Node.Pos, path, "%s = %s: a pair is [height, width], found a list of %d", a.Key, a, len(v.L))
		return [2]int{}, false
	}
	var pair [2]int
	for i, d := range v.L {
		if pair[i], ok = x.intIn(a, expr.IntVal(d), path, min); !ok {
			return [2]int{}, false
		}
	}
	return pair, true
}

// floatValue evaluates a number: a literal or an expression such as
// "0.2 * (first + i) / 16".
func (x *expander) floatValue(a *ast.Arg, e *env, path string) (float64, bool) {
	if a.Node.Kind == load.Float {
		return a.Node.Float, true
	}
	v, ok := x.value(a, e, path)
	if !ok {
		return 0, false
	}
	f, isNum := v.Number()
	if !isNum {
		x.errs.Add(a.Node.Pos, path, "%s = %s: expected a number, found %s (%s)", a.Key, a, v.Kind, v)
		return 0, false
	}
	return f, true
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
