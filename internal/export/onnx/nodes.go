package onnx

import (
	"fmt"

	"google.golang.org/protobuf/proto"

	"github.com/netc/netc/compiler/ir"
	pb "github.com/netc/netc/internal/export/onnx/onnxpb"
	"github.com/netc/netc/internal/ops"
)

// builder adds ONNX nodes and initializers to a graph; it is the ops.Emitter each op's
// declaration writes its nodes through.
type builder struct {
	g      *ir.Graph
	w      Weights
	graph  *pb.GraphProto
	value  map[int]string  // the ONNX value each graph node writes
	shared map[string]bool // constants added once (ReLU6's bounds)
}

// node adds the ONNX nodes that compute n into the value out.
func (b *builder) node(n *ir.Node, out string) error {
	in := make([]string, len(n.Inputs))
	for i, id := range n.Inputs {
		in[i] = b.value[id]
	}
	o := ops.Lookup(n.Op)
	if o == nil || o.ONNX == nil {
		return fmt.Errorf("%s: op %s has no ONNX form", n.Name, n.Op)
	}
	return o.ONNX(b, n, in, out)
}

// Params adds n's parameter tensors as initializers and returns their names.
func (b *builder) Params(n *ir.Node) ([]string, error) {
	var names []string
	for _, t := range n.Tensors(b.g.InputShape(n)) {
		name := t.FullName(n.Name)
		data, ok := b.w(name)
		if !ok {
			return nil, fmt.Errorf("no weights for %s", name)
		}
		want := 1
		for _, d := range t.Shape {
			want *= d
		}
		if len(data) != want {
			return nil, fmt.Errorf("%s holds %d values, shape %v needs %d", name, len(data), t.Shape, want)
		}
		b.graph.Initializer = append(b.graph.Initializer, floatTensor(name, t.Shape, data))
		names = append(names, name)
	}
	return names, nil
}

// Float adds a float constant once and returns its name.
func (b *builder) Float(name string, v float32) string {
	if !b.shared[name] {
		b.shared[name] = true
		b.graph.Initializer = append(b.graph.Initializer, floatTensor(name, []int{}, []float32{v}))
	}
	return name
}

// Int64s adds a 1-D int64 constant once and returns its name.
func (b *builder) Int64s(name string, xs ...int64) string {
	if !b.shared[name] {
		b.shared[name] = true
		b.graph.Initializer = append(b.graph.Initializer, intTensor(name, xs))
	}
	return name
}

// InputShape is the per-sample shape of n's first input.
func (b *builder) InputShape(n *ir.Node) ir.Shape { return b.g.InputShape(n) }

// Node adds one node.
func (b *builder) Node(name, op string, in []string, out string, attrs ...ops.Attr) {
	pa := make([]*pb.AttributeProto, len(attrs))
	for i, a := range attrs {
		pa[i] = attribute(a)
	}
	b.graph.Node = append(b.graph.Node, &pb.NodeProto{
		Name: proto.String(name), OpType: proto.String(op), Input: in, Output: []string{out}, Attribute: pa,
	})
}

func attribute(a ops.Attr) *pb.AttributeProto {
	p := &pb.AttributeProto{Name: proto.String(a.Name)}
	switch {
	case a.Int != nil:
		p.Type, p.I = pb.AttributeProto_INT.Enum(), proto.Int64(*a.Int)
	case a.Float != nil:
		p.Type, p.F = pb.AttributeProto_FLOAT.Enum(), proto.Float32(*a.Float)
	default:
		p.Type, p.Ints = pb.AttributeProto_INTS.Enum(), a.Ints
	}
	return p
}
