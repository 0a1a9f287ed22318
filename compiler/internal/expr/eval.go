package expr

import (
	"fmt"
	"math"
	"math/bits"
	"sort"
	"strings"

	"github.com/netc/netc/compiler/internal/diag"
	"github.com/netc/netc/compiler/internal/names"
)

type node interface{ offset() int }

type litNode struct {
	off int
	v   Value
}
type nameNode struct {
	off  int
	name string
}
type unaryNode struct {
	off int
	op  string
	x   node
}
type binaryNode struct {
	off  int
	op   string
	x, y node
}
type condNode struct {
	off             int
	cond, then, els node
}
type indexNode struct {
	off      int
	x, index node
}
type fieldNode struct {
	off   int
	x     node
	field string
}
type callNode struct {
	off  int
	fn   string
	args []node
}

func (n *litNode) offset() int    { return n.off }
func (n *nameNode) offset() int   { return n.off }
func (n *unaryNode) offset() int  { return n.off }
func (n *binaryNode) offset() int { return n.off }
func (n *condNode) offset() int   { return n.off }
func (n *indexNode) offset() int  { return n.off }
func (n *fieldNode) offset() int  { return n.off }
func (n *callNode) offset() int   { return n.off }

// Eval evaluates e in env.
func (e *Expr) Eval(env Env) (Value, *Error) { return eval(e.root, env) }

// EvalInt evaluates e and requires an integer.
func (e *Expr) EvalInt(env Env) (int64, *Error) {
	v, err := e.Eval(env)
	if err != nil {
		return 0, err
	}
	if v.Kind == Float {
		return 0, &Error{0, fmt.Sprintf("expected an integer, found %s (%s); '/' divides into a number, '//' is floor division", v.Kind, v)}
	}
	if v.Kind != Int {
		return 0, &Error{0, fmt.Sprintf("expected an integer, found %s (%s)", v.Kind, v)}
	}
	return v.I, nil
}

// EvalBool evaluates e and requires a boolean.
func (e *Expr) EvalBool(env Env) (bool, *Error) {
	v, err := e.Eval(env)
	if err != nil {
		return false, err
	}
	if v.Kind != Bool {
		return false, &Error{0, fmt.Sprintf("expected a condition (true or false), found %s (%s)", v.Kind, v)}
	}
	return v.B, nil
}

func errAt(n node, format string, args ...any) *Error {
	return &Error{n.offset(), fmt.Sprintf(format, args...)}
}

func eval(n node, env Env) (Value, *Error) {
	switch n := n.(type) {
	case *litNode:
		return n.v, nil
	case *nameNode:
		if v, ok := env.Lookup(n.name); ok {
			return v, nil
		}
		msg := "unknown name " + diag.Quote(n.name)
		if s := names.Suggest(n.name, env.Names()); s != "" {
			msg += fmt.Sprintf(" (did you mean %q?)", s)
		} else if known := env.Names(); len(known) > 0 {
			sort.Strings(known)
			msg += "; names in scope: " + strings.Join(known, ", ")
		}
		return Value{}, errAt(n, "%s", msg)
	case *unaryNode:
		x, err := eval(n.x, env)
		if err != nil {
			return Value{}, err
		}
		if n.op == "!" {
			if x.Kind != Bool {
				return Value{}, errAt(n, "'!' needs a condition, found %s", x.Kind)
			}
			return BoolVal(!x.B), nil
		}
		if x.Kind == Float {
			return FloatVal(-x.F), nil
		}
		if x.Kind != Int {
			return Value{}, errAt(n, "'-' needs a number, found %s", x.Kind)
		}
		if x.I == math.MinInt64 {
			return Value{}, errAt(n, "integer overflow")
		}
		return IntVal(-x.I), nil
	case *binaryNode:
		return evalBinary(n, env)
	case *condNode:
		c, err := eval(n.cond, env)
		if err != nil {
			return Value{}, err
		}
		if c.Kind != Bool {
			return Value{}, errAt(n, "the condition before '?' must be true or false, found %s", c.Kind)
		}
		if c.B {
			return eval(n.then, env)
		}
		return eval(n.els, env)
	case *indexNode:
		x, err := eval(n.x, env)
		if err != nil {
			return Value{}, err
		}
		i, err := eval(n.index, env)
		if err != nil {
			return Value{}, err
		}
		if x.Kind != List {
			return Value{}, errAt(n, "only lists can be indexed, found %s", x.Kind)
		}
		if i.Kind != Int {
			return Value{}, errAt(n.index, "a list index must be an integer, found %s", i.Kind)
		}
		if i.I < 0 || i.I >= int64(len(x.L)) {
			return Value{}, errAt(n.index, "index %d is out of range for a list of %d", i.I, len(x.L))
		}
		return IntVal(x.L[i.I]), nil
	case *fieldNode:
		x, err := eval(n.x, env)
		if err != nil {
			return Value{}, err
		}
		return shapeField(n, x)
	case *callNode:
		return evalCall(n, env)
	}
	return Value{}, errAt(n, "internal error: unknown expression node")
}

// shapeField resolves in.c, in.h, in.w (and in.features for a flattened input).
func shapeField(n *fieldNode, x Value) (Value, *Error) {
	if x.Kind == List && n.field == "len" {
		return IntVal(int64(len(x.L))), nil
	}
	if x.Kind != Shape {
		return Value{}, errAt(n, "%s has no field %s", x.Kind, diag.Quote(n.field))
	}
	switch n.field {
	case "c", "features":
		return IntVal(x.L[0]), nil
	case "h", "w":
		if len(x.L) < 3 {
			return Value{}, errAt(n, "the input is flat (%d features) and has no %s; in.c is its size", x.L[0], map[string]string{"h": "height", "w": "width"}[n.field])
		}
		if n.field == "h" {
			return IntVal(x.L[1]), nil
		}
		return IntVal(x.L[2]), nil
	}
	msg := "a shape has fields c, h and w; found " + diag.Quote(n.field)
	if s := names.Suggest(n.field, []string{"c", "h", "w"}); s != "" {
		msg += fmt.Sprintf(" (did you mean %q?)", s)
	}
	return Value{}, errAt(n, "%s", msg)
}

func evalBinary(n *binaryNode, env Env) (Value, *Error) {
	x, err := eval(n.x, env)
	if err != nil {
		return Value{}, err
	}
	// Logic operators short-circuit, so `s > 1 || in.c != c` does not need both sides.
	if n.op == "&&" || n.op == "||" {
		if x.Kind != Bool {
			return Value{}, errAt(n, "%q needs conditions on both sides, found %s on the left", n.op, x.Kind)
		}
		if (n.op == "&&" && !x.B) || (n.op == "||" && x.B) {
			return x, nil
		}
		y, err := eval(n.y, env)
		if err != nil {
			return Value{}, err
		}
		if y.Kind != Bool {
			return Value{}, errAt(n, "%q needs conditions on both sides, found %s on the right", n.op, y.Kind)
		}
		return y, nil
	}
	y, err := eval(n.y, env)
	if err != nil {
		return Value{}, err
	}
	_, xn := x.Number()
	_, yn := y.Number()
	if (x.Kind == Float || y.Kind == Float || n.op == "/") && xn && yn {
		return evalFloat(n, x, y)
	}
	if n.op == "==" || n.op == "!=" {
		if x.Kind != y.Kind || x.Kind == List || x.Kind == Shape {
			if x.Kind != y.Kind {
				return Value{}, errAt(n, "cannot compare %s with %s", x.Kind, y.Kind)
			}
			return Value{}, errAt(n, "cannot compare %s values; compare their elements", x.Kind)
		}
		eq := x.I == y.I && x.B == y.B && x.F == y.F
		return BoolVal(eq == (n.op == "==")), nil
	}
	if n.op == "/" {
		return evalFloat(n, x, y) // reports the side that is not a number
	}
	if x.Kind != Int || y.Kind != Int {
		bad := x.Kind
		if x.Kind == Int {
			bad = y.Kind
		}
		return Value{}, errAt(n, "%q needs integers, found %s", n.op, bad)
	}
	a, b := x.I, y.I
	switch n.op {
	case "<":
		return BoolVal(a < b), nil
	case "<=":
		return BoolVal(a <= b), nil
	case ">":
		return BoolVal(a > b), nil
	case ">=":
		return BoolVal(a >= b), nil
	case "+":
		s := a + b
		if (s > a) != (b > 0) {
			return Value{}, errAt(n, "integer overflow in %d + %d", a, b)
		}
		return IntVal(s), nil
	case "-":
		d := a - b
		if (d < a) != (b > 0) {
			return Value{}, errAt(n, "integer overflow in %d - %d", a, b)
		}
		return IntVal(d), nil
	case "*":
		p, ok := mulChecked(a, b)
		if !ok {
			return Value{}, errAt(n, "integer overflow in %d * %d", a, b)
		}
		return IntVal(p), nil
	case "//", "%":
		if b == 0 {
			return Value{}, errAt(n, "division by zero in %d %s %d", a, n.op, b)
		}
		if a == math.MinInt64 && b == -1 {
			return Value{}, errAt(n, "integer overflow in %d %s %d", a, n.op, b)
		}
		q, r := a/b, a%b
		// Floor toward negative infinity, as Python does.
		if r != 0 && (r < 0) != (b < 0) {
			q--
			r += b
		}
		if n.op == "//" {
			return IntVal(q), nil
		}
		return IntVal(r), nil
	}
	return Value{}, errAt(n, "internal error: unknown operator %q", n.op)
}

// evalFloat applies an arithmetic or ordering operator where one side is a float, or to
// '/', which always divides into a float.
func evalFloat(n *binaryNode, x, y Value) (Value, *Error) {
	a, okx := x.Number()
	b, oky := y.Number()
	if !okx || !oky {
		bad := x.Kind
		if okx {
			bad = y.Kind
		}
		return Value{}, errAt(n, "%q needs numbers, found %s", n.op, bad)
	}
	var r float64
	switch n.op {
	case "<":
		return BoolVal(a < b), nil
	case "<=":
		return BoolVal(a <= b), nil
	case ">":
		return BoolVal(a > b), nil
	case ">=":
		return BoolVal(a >= b), nil
	case "==", "!=":
		return BoolVal((a == b) == (n.op == "==")), nil
	case "+":
		r = a + b
	case "-":
		r = a - b
	case "*":
		r = a * b
	case "/":
		if b == 0 {
			return Value{}, errAt(n, "division by zero in %s / %s", x, y)
		}
		r = a / b
	case "//", "%":
		return Value{}, errAt(n, "%q takes integers, found a number with a fraction; '/' divides numbers", n.op)
	default:
		return Value{}, errAt(n, "internal error: unknown operator %q", n.op)
	}
	if math.IsInf(r, 0) || math.IsNaN(r) {
		return Value{}, errAt(n, "%s %s %s is not a finite number", x, n.op, y)
	}
	return FloatVal(r), nil
}

func mulChecked(a, b int64) (int64, bool) {
	if a == 0 || b == 0 {
		return 0, true
	}
	neg := (a < 0) != (b < 0)
	ua, ub := uint64(a), uint64(b)
	if a < 0 {
		ua = uint64(-a)
	}
	if b < 0 {
		ub = uint64(-b)
	}
	if a == math.MinInt64 || b == math.MinInt64 {
		return 0, false
	}
	hi, lo := bits.Mul64(ua, ub)
	if hi != 0 || lo > math.MaxInt64 {
		return 0, false
	}
	if neg {
		return -int64(lo), true
	}
	return int64(lo), true
}

func evalCall(n *callNode, env Env) (Value, *Error) {
	switch n.fn {
	case "min", "max":
		if len(n.args) == 0 {
			return Value{}, errAt(n, "%s() needs at least one argument", n.fn)
		}
		var best Value
		var bestF float64
		for i, a := range n.args {
			v, err := eval(a, env)
			if err != nil {
				return Value{}, err
			}
			f, ok := v.Number()
			if !ok {
				return Value{}, errAt(a, "%s() takes numbers, found %s", n.fn, v.Kind)
			}
			if i == 0 || (n.fn == "min" && f < bestF) || (n.fn == "max" && f > bestF) {
				best, bestF = v, f
			}
		}
		return best, nil
	case "len":
		if len(n.args) != 1 {
			return Value{}, errAt(n, "len() takes one list")
		}
		v, err := eval(n.args[0], env)
		if err != nil {
			return Value{}, err
		}
		if v.Kind != List {
			return Value{}, errAt(n, "len() takes a list, found %s", v.Kind)
		}
		return IntVal(int64(len(v.L))), nil
	}
	msg := fmt.Sprintf("unknown function %s; functions are min, max and len", diag.Quote(n.fn))
	if s := names.Suggest(n.fn, []string{"min", "max", "len"}); s != "" && s != n.fn {
		msg = fmt.Sprintf("unknown function %s (did you mean %q?)", diag.Quote(n.fn), s)
	}
	return Value{}, errAt(n, "%s", msg)
}
