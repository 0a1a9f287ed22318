package ops

import "github.com/netc/netc/compiler/ir"

// Emitter is what an op's ONNX writer adds nodes and constants through.
type Emitter interface {
	// Node adds a node named name computing out from in.
	Node(name, opType string, in []string, out string, attrs ...Attr)
	// Params adds n's parameter tensors as initializers and returns their names.
	Params(n *ir.Node) ([]string, error)
	// Float adds a float scalar constant once and returns its name; Int64s adds an int64
	// vector constant.
	Float(name string, v float32) string
	Int64s(name string, xs ...int64) string
	// InputShape is the per-sample shape of n's first input.
	InputShape(n *ir.Node) ir.Shape
}

// Attr is an ONNX node attribute: an int, a list of ints or a float.
type Attr struct {
	Name  string
	Int   *int64
	Ints  []int64
	Float *float32
}

// AttrInt is an integer attribute.
func AttrInt(name string, x int) Attr { v := int64(x); return Attr{Name: name, Int: &v} }

// AttrBool is an integer attribute of 0 or 1.
func AttrBool(name string, b bool) Attr {
	if b {
		return AttrInt(name, 1)
	}
	return AttrInt(name, 0)
}

// AttrInts is a list attribute.
func AttrInts(name string, xs ...int) Attr {
	v := make([]int64, len(xs))
	for i, x := range xs {
		v[i] = int64(x)
	}
	return Attr{Name: name, Ints: v}
}

// AttrFloat is a float attribute.
func AttrFloat(name string, x float64) Attr { v := float32(x); return Attr{Name: name, Float: &v} }

// simpleONNX writes an op that is one ONNX node of the given type without attributes.
func simpleONNX(opType string) func(e Emitter, n *ir.Node, in []string, out string) error {
	return func(e Emitter, n *ir.Node, in []string, out string) error {
		e.Node(n.Name, opType, in, out)
		return nil
	}
}
