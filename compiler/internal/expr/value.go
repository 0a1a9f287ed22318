// Package expr parses and evaluates the small expression language of spec attributes:
// `c // ratio`, `in.c // 2`, `stride > 1 || in.c != c`, `i == 0 ? s : 1`, `c2[1]`,
// `max(8, c // 4)`, and for the few float attributes `0.2 * (first + i) / 16`.
//
// Values are 64-bit integers, floats, booleans, integer lists (block parameters such as
// `c2 = [96, 128]`) and shapes (`in`, with fields c, h, w). `/` divides into a float;
// `//` and `%` are floor division and remainder of integers. All arithmetic is checked:
// overflow, division by zero and non-finite floats are errors, never wrapped values.
package expr

import (
	"fmt"
	"strconv"
	"strings"
)

// Kind is the type of a Value.
type Kind int

const (
	Int Kind = iota
	Bool
	List
	Shape
	Float
)

func (k Kind) String() string {
	return [...]string{"an integer", "a boolean", "a list", "a shape", "a number"}[k]
}

// Value is the result of an expression.
type Value struct {
	Kind Kind
	I    int64
	B    bool
	L    []int64 // List elements, or Shape dims (c, h, w; or features for a flat tensor)
	F    float64
}

// IntVal, BoolVal and ListVal build values.
func IntVal(i int64) Value     { return Value{Kind: Int, I: i} }
func BoolVal(b bool) Value     { return Value{Kind: Bool, B: b} }
func ListVal(l []int64) Value  { return Value{Kind: List, L: l} }
func ShapeVal(d []int64) Value { return Value{Kind: Shape, L: d} }
func FloatVal(f float64) Value { return Value{Kind: Float, F: f} }

// Number is an integer or float value as a float64, and whether it is one.
func (v Value) Number() (float64, bool) {
	switch v.Kind {
	case Int:
		return float64(v.I), true
	case Float:
		return v.F, true
	}
	return 0, false
}

func (v Value) String() string {
	switch v.Kind {
	case Int:
		return fmt.Sprint(v.I)
	case Bool:
		return fmt.Sprint(v.B)
	case Float:
		return strconv.FormatFloat(v.F, 'g', -1, 64)
	case List:
		s := make([]string, len(v.L))
		for i, x := range v.L {
			s[i] = fmt.Sprint(x)
		}
		return "[" + strings.Join(s, ", ") + "]"
	}
	s := make([]string, len(v.L))
	for i, x := range v.L {
		s[i] = fmt.Sprint(x)
	}
	return "shape " + strings.Join(s, "x")
}

// Env resolves names during evaluation.
type Env interface {
	// Lookup returns the value bound to name.
	Lookup(name string) (Value, bool)
	// Names lists the names in scope, for "did you mean" hints.
	Names() []string
}

// Error is a parse or evaluation error at a byte offset in the expression source.
type Error struct {
	Offset int
	Msg    string
}

func (e *Error) Error() string { return e.Msg }
