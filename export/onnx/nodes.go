package onnx

import (
	"fmt"

	"google.golang.org/protobuf/proto"

	"github.com/netc/netc/compiler/ir"
	pb "github.com/netc/netc/export/onnx/onnxpb"
)

// builder adds ONNX nodes and initializers to a graph.
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
	a := n.Attrs
	switch n.Op {
	case ir.OpConv:
		ws, err := b.params(n)
		if err != nil {
			return err
		}
		b.add(n.Name, "Conv", append(in, ws...), out,
			ints("kernel_shape", a.K[0], a.K[1]), ints("strides", a.Stride[0], a.Stride[1]),
			ints("pads", a.Pad[0], a.Pad[1], a.Pad[0], a.Pad[1]), ints("dilations", a.Dilation[0], a.Dilation[1]),
			intAttr("group", a.Groups))
	case ir.OpLinear:
		ws, err := b.params(n)
		if err != nil {
			return err
		}
		b.add(n.Name, "Gemm", append(in, ws...), out, intAttr("transB", 1)) // x W^T + b, PyTorch's layout
	case ir.OpBatchNorm:
		ws, err := b.params(n) // scale, bias, mean, var: netc's order is ONNX's
		if err != nil {
			return err
		}
		// ONNX's momentum weighs the running value (PyTorch's weighs the batch); it only
		// matters to a trainer.
		b.add(n.Name, "BatchNormalization", append(in, ws...), out,
			floatAttr("epsilon", a.Eps), floatAttr("momentum", 1-a.Momentum))
	case ir.OpReLU:
		b.add(n.Name, "Relu", in, out)
	case ir.OpSigmoid:
		b.add(n.Name, "Sigmoid", in, out)
	case ir.OpTanh:
		b.add(n.Name, "Tanh", in, out)
	case ir.OpReLU6:
		lo, hi := b.scalar("relu6.min", 0), b.scalar("relu6.max", 6)
		b.add(n.Name, "Clip", append(in, lo, hi), out)
	case ir.OpMaxPool:
		b.add(n.Name, "MaxPool", in, out, poolAttrs(a)...)
	case ir.OpAvgPool:
		b.add(n.Name, "AveragePool", in, out, append(poolAttrs(a), boolAttr("count_include_pad", a.CountIncludePad))...)
	case ir.OpAdaptiveAvgPool:
		b.adaptivePool(n, in[0], out)
	case ir.OpDropout:
		b.add(n.Name, "Dropout", append(in, b.scalar(n.Name+".ratio", float32(a.P))), out) // identity at inference
	case ir.OpFlatten:
		b.add(n.Name, "Flatten", in, out, intAttr("axis", 1))
	case ir.OpIdentity:
		b.add(n.Name, "Identity", in, out)
	case ir.OpConcat:
		b.add(n.Name, "Concat", in, out, intAttr("axis", 1))
	case ir.OpAdd:
		if len(in) == 2 {
			b.add(n.Name, "Add", in, out)
		} else {
			b.add(n.Name, "Sum", in, out)
		}
	default:
		return fmt.Errorf("%s: op %s has no ONNX form", n.Name, n.Op)
	}
	return nil
}

func poolAttrs(a ir.Attrs) []*pb.AttributeProto {
	return []*pb.AttributeProto{
		ints("kernel_shape", a.K[0], a.K[1]), ints("strides", a.Stride[0], a.Stride[1]),
		ints("pads", a.Pad[0], a.Pad[1], a.Pad[0], a.Pad[1]), boolAttr("ceil_mode", a.CeilMode),
	}
}

// params adds n's parameter tensors as initializers and returns their names.
func (b *builder) params(n *ir.Node) ([]string, error) {
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

// scalar adds a float constant once and returns its name.
func (b *builder) scalar(name string, v float32) string {
	if !b.shared[name] {
		b.shared[name] = true
		b.graph.Initializer = append(b.graph.Initializer, floatTensor(name, []int{}, []float32{v}))
	}
	return name
}

func (b *builder) add(name, op string, in []string, out string, attrs ...*pb.AttributeProto) {
	b.graph.Node = append(b.graph.Node, &pb.NodeProto{
		Name: proto.String(name), OpType: proto.String(op), Input: in, Output: []string{out}, Attribute: attrs,
	})
}

func ints(name string, xs ...int) *pb.AttributeProto {
	return &pb.AttributeProto{Name: proto.String(name), Type: pb.AttributeProto_INTS.Enum(), Ints: int64s(xs)}
}

func intAttr(name string, x int) *pb.AttributeProto {
	return &pb.AttributeProto{Name: proto.String(name), Type: pb.AttributeProto_INT.Enum(), I: proto.Int64(int64(x))}
}

func boolAttr(name string, x bool) *pb.AttributeProto {
	if x {
		return intAttr(name, 1)
	}
	return intAttr(name, 0)
}

func floatAttr(name string, x float64) *pb.AttributeProto {
	return &pb.AttributeProto{Name: proto.String(name), Type: pb.AttributeProto_FLOAT.Enum(), F: proto.Float32(float32(x))}
}
