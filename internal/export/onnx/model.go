// Package onnx writes a compiled network as a standard ONNX model (opset 17): the nodes
// each op's declaration writes (Conv, Gemm, BatchNormalization, Relu, MaxPool, AveragePool,
// GlobalAveragePool, Concat, Add, LayerNormalization, ...), the weights as initializers
// under netc's parameter names, a dynamic batch dimension N, and every intermediate
// value's shape from netc's own shape inference (which onnx.checker's full check
// compares with ONNX's). The messages are the ones protoc-gen-go generates from
// onnx.proto (package onnxpb), so the file is what every ONNX tool reads.
//
// Like the PyTorch export, it follows the graph (compiler/ir), not the plan: folded
// batchnorms and fused activations are the runtime's business.
package onnx

import (
	"fmt"
	"io"
	"math"

	"google.golang.org/protobuf/proto"

	"github.com/netc/netc/compiler/ir"
	pb "github.com/netc/netc/internal/export/onnx/onnxpb"
	"github.com/netc/netc/tensorio"
)

// Opset is the ONNX operator set the models use: 17 is the first with
// LayerNormalization (and HardSwish came in 14); ONNX 1.12 and every current runtime
// read it.
const Opset = 17

// irVersion 8 is the IR of ONNX 1.12, which introduced opset 17.
const irVersion = 8

// Batch is the name of the dynamic batch dimension.
const Batch = "N"

// Names of the graph's input and output values.
const (
	InputName  = "input"
	OutputName = "logits"
)

// Weights returns a parameter tensor's values by its netc name (b3.inception1.p2.conv2.weight).
type Weights func(name string) ([]float32, bool)

// Options describes the model.
type Options struct {
	Producer string // netc's version, recorded as producer_version
	Doc      string // the model's doc_string
}

// Build converts g, with its weights, into an ONNX model.
func Build(g *ir.Graph, w Weights, opt Options) (*pb.ModelProto, error) {
	b := &builder{g: g, w: w, value: map[int]string{}, shared: map[string]bool{},
		graph: &pb.GraphProto{Name: proto.String(g.Name)}}
	b.value[0] = InputName
	b.graph.Input = []*pb.ValueInfoProto{valueInfo(InputName, g.Input)}
	out := g.Output()
	for _, n := range g.Nodes[1:] {
		name := n.Name
		if n == out {
			name = OutputName
		}
		b.value[n.ID] = name
		if err := b.node(n, name); err != nil {
			return nil, err
		}
		if n != out {
			b.graph.ValueInfo = append(b.graph.ValueInfo, valueInfo(name, n.Shape))
		}
	}
	b.graph.Output = []*pb.ValueInfoProto{valueInfo(OutputName, out.Shape)}
	m := &pb.ModelProto{
		IrVersion:    proto.Int64(irVersion),
		OpsetImport:  []*pb.OperatorSetIdProto{{Domain: proto.String(""), Version: proto.Int64(Opset)}},
		ProducerName: proto.String("netc"),
		Graph:        b.graph,
		MetadataProps: []*pb.StringStringEntryProto{
			{Key: proto.String("netc.spec"), Value: proto.String(g.Name)},
			{Key: proto.String("netc.input"), Value: proto.String(g.Input.String())},
			{Key: proto.String("netc.classes"), Value: proto.String(fmt.Sprint(g.Classes))},
		},
	}
	if opt.Producer != "" {
		m.ProducerVersion = proto.String(opt.Producer)
	}
	if opt.Doc != "" {
		m.DocString = proto.String(opt.Doc)
	}
	return m, nil
}

// maxProto is protobuf's limit on one message; larger models need ONNX's external data.
const maxProto = 2<<30 - 1

// Marshal encodes m deterministically: the same network and weights give the same bytes.
func Marshal(m *pb.ModelProto) ([]byte, error) {
	if size := proto.Size(m); size > maxProto {
		return nil, fmt.Errorf("the model needs %d bytes, more than protobuf's 2 GiB limit (ONNX's external data is not supported)", size)
	}
	return proto.MarshalOptions{Deterministic: true}.Marshal(m)
}

// WriteFile writes m to path atomically.
func WriteFile(path string, m *pb.ModelProto) error {
	data, err := Marshal(m)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return tensorio.WriteFileAtomic(path, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
}

// valueInfo declares a float tensor of shape N x per-sample shape.
func valueInfo(name string, shape ir.Shape) *pb.ValueInfoProto {
	dims := []*pb.TensorShapeProto_Dimension{{Value: &pb.TensorShapeProto_Dimension_DimParam{DimParam: Batch}}}
	for _, d := range shape {
		dims = append(dims, &pb.TensorShapeProto_Dimension{Value: &pb.TensorShapeProto_Dimension_DimValue{DimValue: int64(d)}})
	}
	return &pb.ValueInfoProto{
		Name: proto.String(name),
		Type: &pb.TypeProto{Value: &pb.TypeProto_TensorType{TensorType: &pb.TypeProto_Tensor{
			ElemType: proto.Int32(int32(pb.TensorProto_FLOAT)),
			Shape:    &pb.TensorShapeProto{Dim: dims},
		}}},
	}
}

// floatTensor is an initializer holding data in little-endian raw form.
func floatTensor(name string, shape []int, data []float32) *pb.TensorProto {
	raw := make([]byte, 4*len(data))
	for i, v := range data {
		bits := math.Float32bits(v)
		raw[4*i], raw[4*i+1], raw[4*i+2], raw[4*i+3] = byte(bits), byte(bits>>8), byte(bits>>16), byte(bits>>24)
	}
	return &pb.TensorProto{Name: proto.String(name), DataType: proto.Int32(int32(pb.TensorProto_FLOAT)), Dims: int64s(shape), RawData: raw}
}

// intTensor is a 1-D int64 initializer (Slice's starts, ends and axes).
func intTensor(name string, data []int64) *pb.TensorProto {
	return &pb.TensorProto{Name: proto.String(name), DataType: proto.Int32(int32(pb.TensorProto_INT64)), Dims: []int64{int64(len(data))}, Int64Data: data}
}

func int64s(xs []int) []int64 {
	out := make([]int64, len(xs))
	for i, x := range xs {
		out[i] = int64(x)
	}
	return out
}
