package onnx

import (
	"bytes"
	"encoding/binary"
	"flag"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/netc/netc/compiler/ir"
	pb "github.com/netc/netc/internal/export/onnx/onnxpb"
	"github.com/netc/netc/internal/testenv"
	"github.com/netc/netc/runner"
	"github.com/netc/netc/tensorio"
)

var update = flag.Bool("update", false, "rewrite testdata/lenet-bn.onnx.txt")

func weightsOf(m *runner.Model) Weights {
	return func(name string) ([]float32, bool) {
		p := m.Params.Get(name)
		if p == nil {
			return nil, false
		}
		return p.Data, true
	}
}

func build(t *testing.T, spec string) (*ir.Graph, *runner.Model, []byte) {
	t.Helper()
	g := testenv.Spec(t, spec)
	m := testenv.Model(t, g, 1)
	mp, err := Build(g, weightsOf(m), Options{})
	if err != nil {
		t.Fatal(err)
	}
	data, err := Marshal(mp)
	if err != nil {
		t.Fatal(err)
	}
	return g, m, data
}

// TestLeNetDecoded reads the exported lenet-bn back with the generated decoder and
// compares its graph, node by node, with a pinned summary (so that CI without python3-onnx
// still checks the file), and every initializer with netc's weights, bit for bit.
func TestLeNetDecoded(t *testing.T) {
	_, m, data := build(t, "lenet-bn")
	var back pb.ModelProto
	if err := proto.Unmarshal(data, &back); err != nil {
		t.Fatal(err)
	}
	got := summary(&back)
	path := filepath.Join("testdata", "lenet-bn.onnx.txt")
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if got != string(want) {
		t.Errorf("the decoded model differs from %s (go test ./internal/export/onnx -update rewrites it):\n%s", path, got)
	}
	params := 0
	for _, init := range back.Graph.Initializer {
		p := m.Params.Get(init.GetName())
		if p == nil {
			continue // ReLU6 bounds, dropout ratios
		}
		params++
		if len(init.RawData) != 4*len(p.Data) {
			t.Fatalf("%s: %d bytes for %d values", p.Name, len(init.RawData), len(p.Data))
		}
		for i, v := range p.Data {
			if math.Float32frombits(binary.LittleEndian.Uint32(init.RawData[4*i:])) != v {
				t.Fatalf("%s[%d] differs", p.Name, i)
			}
		}
	}
	if params != len(m.Params.List) {
		t.Errorf("%d of %d parameters are initializers", params, len(m.Params.List))
	}
	_, _, again := build(t, "lenet-bn")
	if !bytes.Equal(data, again) {
		t.Error("two exports of the same weights differ")
	}
}

// summary prints a model's graph without the weights' values.
func summary(m *pb.ModelProto) string {
	var b strings.Builder
	fmt.Fprintf(&b, "ir_version %d, opset %d, producer %s\n", m.GetIrVersion(), m.OpsetImport[0].GetVersion(), m.GetProducerName())
	for _, p := range m.MetadataProps {
		fmt.Fprintf(&b, "metadata %s = %s\n", p.GetKey(), p.GetValue())
	}
	vi := func(kind string, v *pb.ValueInfoProto) {
		var dims []string
		for _, d := range v.GetType().GetTensorType().GetShape().GetDim() {
			if d.GetDimParam() != "" {
				dims = append(dims, d.GetDimParam())
			} else {
				dims = append(dims, fmt.Sprint(d.GetDimValue()))
			}
		}
		fmt.Fprintf(&b, "%s %s %s [%s]\n", kind, v.GetName(), pb.TensorProto_DataType(v.GetType().GetTensorType().GetElemType()), strings.Join(dims, " "))
	}
	for _, v := range m.Graph.Input {
		vi("input", v)
	}
	for _, v := range m.Graph.Output {
		vi("output", v)
	}
	for _, n := range m.Graph.Node {
		var attrs []string
		for _, a := range n.Attribute {
			switch a.GetType() {
			case pb.AttributeProto_INTS:
				attrs = append(attrs, fmt.Sprintf("%s=%v", a.GetName(), a.Ints))
			case pb.AttributeProto_INT:
				attrs = append(attrs, fmt.Sprintf("%s=%d", a.GetName(), a.GetI()))
			case pb.AttributeProto_FLOAT:
				attrs = append(attrs, fmt.Sprintf("%s=%g", a.GetName(), a.GetF()))
			}
		}
		fmt.Fprintf(&b, "node %s %s(%s) -> %s %s\n", n.GetName(), n.GetOpType(), strings.Join(n.Input, ", "), strings.Join(n.Output, ", "), strings.Join(attrs, " "))
	}
	for _, init := range m.Graph.Initializer {
		fmt.Fprintf(&b, "initializer %s %s %v\n", init.GetName(), pb.TensorProto_DataType(init.GetDataType()), init.Dims)
	}
	for _, v := range m.Graph.ValueInfo {
		vi("value", v)
	}
	return b.String()
}

// TestAdaptivePool: sizes that divide the input pool with fixed windows; others are
// written with Slice and ReduceMean, one per output row and column.
func TestAdaptivePool(t *testing.T) {
	g := testenv.Spec(t, testenv.Ops)
	mp, err := Build(g, weightsOf(testenv.Model(t, g, 1)), Options{})
	if err != nil {
		t.Fatal(err)
	}
	count := map[string]int{}
	for _, n := range mp.Graph.Node {
		if strings.HasPrefix(n.GetName(), "adaptive_avgpool") {
			count[n.GetOpType()]++
		}
	}
	// 4x4 to 3x2: three bins of rows, two of columns, and a Concat for each axis.
	if count["Slice"] != 5 || count["ReduceMean"] != 5 || count["Concat"] != 2 {
		t.Errorf("adaptive_avgpool 4x4 -> 3x2 became %v", count)
	}
	if _, err := Build(g, func(string) ([]float32, bool) { return nil, false }, Options{}); err == nil || !strings.Contains(err.Error(), "conv1.weight") {
		t.Errorf("missing weights: got %v, want an error naming conv1.weight", err)
	}
}

// TestOutsideTools: onnx.checker (full check, with ONNX's shape inference against the
// shapes netc declares) accepts every export, and ONNX Runtime computes netc's logits
// within 1e-4. Each part skips, saying why, where its tool is missing.
func TestOutsideTools(t *testing.T) {
	specs := append([]string{"lenet-bn", "googlenet", "resnet18", "densenet", "nin", "alexnet", "vgg11", "mobilenet_v2", "resnet50", testenv.Ops, testenv.ModernOps}, testenv.Modern...)
	if testing.Short() {
		specs = []string{"lenet-bn", "densenet", testenv.Ops, testenv.ModernOps}
	}
	haveONNX, haveORT := true, true
	t.Run("probe", func(t *testing.T) {
		defer func() { haveONNX = !t.Skipped() }()
		testenv.NeedPython(t, "onnx")
	})
	t.Run("probe", func(t *testing.T) {
		defer func() { haveORT = !t.Skipped() }()
		testenv.NeedONNXRuntime(t)
	})
	if !haveONNX && !haveORT {
		t.Skip("skipped: neither onnx.checker nor an ONNX runtime is available")
	}
	dir := t.TempDir()
	for _, spec := range specs {
		g, m, data := build(t, spec)
		path := filepath.Join(dir, g.Name+".onnx")
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		if haveONNX {
			out, err := exec.Command(testenv.Python, "testdata/check_onnx.py", path).CombinedOutput()
			if err != nil || !strings.HasPrefix(string(out), "ok ") {
				t.Errorf("%s: onnx.checker: %v\n%s", g.Name, err, out)
			}
		}
		if haveORT {
			n := 2
			x := testenv.Images(t, g, n)
			xPath, yPath := filepath.Join(dir, g.Name+".x.npy"), filepath.Join(dir, g.Name+".y.npy")
			if err := tensorio.WriteNPY(xPath, []int{n, g.Input[0], g.Input[1], g.Input[2]}, x); err != nil {
				t.Fatal(err)
			}
			if out, err := exec.Command("node", "testdata/ort_run.js", path, xPath, yPath).CombinedOutput(); err != nil {
				t.Errorf("%s: ONNX Runtime: %v\n%s", g.Name, err, out)
				continue
			}
			shape, y, err := tensorio.ReadNPY(yPath)
			if err != nil {
				t.Fatal(err)
			}
			want, err := m.Infer(x, n, n, false)
			if err != nil {
				t.Fatal(err)
			}
			rel := testenv.RelErr(y, want)
			t.Logf("%-12s ONNX Runtime vs netc infer: relative error %.2e (output %v)", g.Name, rel, shape)
			if rel > 1e-4 {
				t.Errorf("%s: ONNX Runtime's logits differ from netc's: relative error %.3g > 1e-4", g.Name, rel)
			}
		}
	}
}
