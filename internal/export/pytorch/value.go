package pytorch

import (
	"fmt"
	"strconv"
)

type valKind int

const (
	vNone valKind = iota // the layer does not exist in this block instance
	vInt
	vFloat
	vBool
	vPair // kernel sizes, strides, paddings: an int when both sides agree
)

// value is one literal of the generated code.
type value struct {
	kind valKind
	i    int
	f    float64
	b    bool
	p    [2]int
}

func intVal(i int) value        { return value{kind: vInt, i: i} }
func floatVal(f float64) value  { return value{kind: vFloat, f: f} }
func boolVal(b bool) value      { return value{kind: vBool, b: b} }
func pairVal(p [2]int) value    { return value{kind: vPair, p: p} }
func (v value) eq(w value) bool { return v == w }
func (v value) defined() bool   { return v.kind != vNone }
func (v value) isInt() bool     { return v.kind == vInt }
func (v value) String() string  { return v.py() }

// py is the Python literal.
func (v value) py() string {
	switch v.kind {
	case vInt:
		return strconv.Itoa(v.i)
	case vFloat:
		return pyFloat(v.f)
	case vBool:
		if v.b {
			return "True"
		}
		return "False"
	case vPair:
		if v.p[0] == v.p[1] {
			return strconv.Itoa(v.p[0])
		}
		return fmt.Sprintf("(%d, %d)", v.p[0], v.p[1])
	}
	return "None"
}
