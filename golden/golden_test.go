// Package golden pins what netc prints for the specs in specs/, and checks the compiled
// graphs against PyTorch's own layers (golden/torch/*.json, written by
// tools/torch_shapes.py) and against the reference table of parameter counts and MACs.
//
// The tables under golden/tables are snapshots: `go test ./golden -update` rewrites them,
// and the diff is reviewed like code. The PyTorch files and the reference numbers are the
// outside oracle and are never rewritten by this test.
package golden

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/netc/netc/compiler"
	"github.com/netc/netc/compiler/ir"
	"github.com/netc/netc/internal/report"
)

var update = flag.Bool("update", false, "rewrite the golden tables")

// A variant is one spec under one set of options.
type variant struct {
	name  string // golden file stem, and the torch fixture's name
	spec  string
	opt   compiler.Options
	torch bool // golden/torch/<name>.json exists
}

var variants = []variant{
	{"alexnet", "alexnet", compiler.Options{}, true},
	{"vgg11", "vgg11", compiler.Options{}, true},
	{"vgg11-ratio4", "vgg11", compiler.Options{Set: []string{"ratio=4"}}, true},
	{"nin", "nin", compiler.Options{}, true},
	{"googlenet", "googlenet", compiler.Options{}, true},
	{"lenet-bn", "lenet-bn", compiler.Options{}, true},
	{"resnet18", "resnet18", compiler.Options{}, true},
	{"resnet18-224", "resnet18", compiler.Options{Input: "1x224x224"}, true},
	{"densenet", "densenet", compiler.Options{}, true},
	{"resnet50", "resnet50", compiler.Options{}, true},
	{"mobilenet_v2", "mobilenet_v2", compiler.Options{}, true},
	{"efficientnet_b0", "efficientnet_b0", compiler.Options{}, true},
	{"convnext_tiny", "convnext_tiny", compiler.Options{}, true},
	{"shufflenet_v2", "shufflenet_v2", compiler.Options{}, true},
	{"mobilenet_v3_large", "mobilenet_v3_large", compiler.Options{}, true},
}

func compile(t *testing.T, v variant) *ir.Graph {
	t.Helper()
	path := filepath.Join("specs", v.spec+".toml")
	src, err := os.ReadFile(filepath.Join("..", path))
	if err != nil {
		t.Fatal(err)
	}
	g, err := compiler.CheckSource(path, src, v.opt)
	if err != nil {
		t.Fatalf("%s: %v", v.name, err)
	}
	return g
}

func TestTables(t *testing.T) {
	for _, v := range variants {
		t.Run(v.name, func(t *testing.T) {
			g := compile(t, v)
			var buf bytes.Buffer
			if err := report.WriteTable(&buf, g, report.TableOptions{}); err != nil {
				t.Fatal(err)
			}
			file := filepath.Join("tables", v.name+".txt")
			if *update {
				if err := os.WriteFile(file, buf.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(file)
			if err != nil {
				t.Fatalf("%v (run go test ./golden -update to create it)", err)
			}
			if !bytes.Equal(buf.Bytes(), want) {
				t.Errorf("the table of %s differs from %s; if the change is intended, run go test ./golden -update and review the diff\n%s", v.name, file, firstDiff(buf.String(), string(want)))
			}
		})
	}
}

func firstDiff(got, want string) string {
	g, w := bytes.Split([]byte(got), []byte("\n")), bytes.Split([]byte(want), []byte("\n"))
	for i := 0; i < len(g) || i < len(w); i++ {
		var a, b []byte
		if i < len(g) {
			a = g[i]
		}
		if i < len(w) {
			b = w[i]
		}
		if !bytes.Equal(a, b) {
			return "line " + strconv.Itoa(i+1) + ":\n  got:  " + string(a) + "\n  want: " + string(b)
		}
	}
	return ""
}

// torchLayer is one leaf module of PyTorch's forward pass.
type torchLayer struct {
	Type   string `json:"type"`
	Shape  []int  `json:"shape"`
	Params int64  `json:"params"`
	MACs   int64  `json:"macs"`
}

type torchNet struct {
	Model  string       `json:"model"`
	Input  []int        `json:"input"`
	Params int64        `json:"params"`
	MACs   int64        `json:"macs"`
	Layers []torchLayer `json:"layers"`
}

// structural maps netc ops to the PyTorch module types that always exist as modules in
// the reference definitions. Activations, flatten and dropout are left out: the
// references apply some of them as functions, which hooks do not see.
var structural = map[ir.Op]string{
	ir.OpConv: "Conv2d", ir.OpLinear: "Linear", ir.OpMaxPool: "MaxPool2d", "avgpool": "AvgPool2d",
	"adaptive_avgpool": "AdaptiveAvgPool2d", ir.OpBatchNorm: "BatchNorm", "layernorm": "LayerNorm",
}

// TestAgainstPyTorch compares every structural layer, in execution order, with PyTorch's:
// the type, the per-sample output shape, the parameter count and the MACs; and the totals.
func TestAgainstPyTorch(t *testing.T) {
	for _, v := range variants {
		if !v.torch {
			continue
		}
		t.Run(v.name, func(t *testing.T) {
			g := compile(t, v)
			raw, err := os.ReadFile(filepath.Join("torch", v.name+".json"))
			if err != nil {
				t.Fatal(err)
			}
			var ref torchNet
			if err := json.Unmarshal(raw, &ref); err != nil {
				t.Fatal(err)
			}
			if !ir.Shape(ref.Input).Equal(g.Input) {
				t.Fatalf("input %v, PyTorch's reference ran at %v", g.Input, ref.Input)
			}
			params, _, macs, _ := g.Totals()
			if params != ref.Params {
				t.Errorf("params = %d, PyTorch counts %d", params, ref.Params)
			}
			if macs != ref.MACs {
				t.Errorf("MACs = %d, PyTorch's layers count %d", macs, ref.MACs)
			}
			var theirs []torchLayer
			for _, l := range ref.Layers {
				for _, typ := range structural {
					if l.Type == typ || (typ == "BatchNorm" && (l.Type == "BatchNorm1d" || l.Type == "BatchNorm2d")) ||
						(typ == "LayerNorm" && l.Type == "LayerNorm2d") {
						theirs = append(theirs, l)
						break
					}
				}
			}
			var ours []*ir.Node
			for _, n := range g.Nodes {
				if _, ok := structural[n.Op]; ok {
					ours = append(ours, n)
				}
			}
			if len(ours) != len(theirs) {
				t.Fatalf("%d structural layers, PyTorch has %d", len(ours), len(theirs))
			}
			for i, n := range ours {
				want := theirs[i]
				typ := structural[n.Op]
				if typ == "BatchNorm" {
					typ = map[int]string{1: "BatchNorm1d", 3: "BatchNorm2d"}[len(n.Shape)]
				}
				if typ == "LayerNorm" && want.Type == "LayerNorm2d" {
					typ = want.Type // ConvNeXt's two classes compute the same normalization
				}
				if typ != want.Type || !n.Shape.Equal(want.Shape) || n.Params != want.Params || n.MACs != want.MACs {
					t.Errorf("layer %d %s: %s %s with %d params, %d MACs; PyTorch: %s %v with %d params, %d MACs",
						i, n.Name, typ, n.Shape, n.Params, n.MACs, want.Type, want.Shape, want.Params, want.MACs)
				}
			}
		})
	}
}

// TestReferenceTotals checks the totals against tools/book_nets.py's docstring, the table
// of PyTorch's parameter counts and MACs per image that the project is held to.
func TestReferenceTotals(t *testing.T) {
	want := map[string][2]int64{ // params, MACs
		"alexnet":      {46_764_746, 938_146_176},
		"vgg11":        {128_806_154, 7_547_232_256},
		"vgg11-ratio4": {43_093_322, 512_155_648},
		"nin":          {1_992_166, 762_297_352},
		"googlenet":    {5_977_530, 276_066_304},
		"lenet-bn":     {44_878, 281_640},
		"resnet18":     {11_178_378, 318_657_536},
		"resnet18-224": {11_178_378, 1_734_890_496},
		"densenet":     {758_226, 129_077_168},
	}
	for _, v := range variants {
		w, ok := want[v.name]
		if !ok {
			continue
		}
		g := compile(t, v)
		params, _, macs, _ := g.Totals()
		if params != w[0] || macs != w[1] {
			t.Errorf("%s: params %d, MACs %d; reference %d, %d", v.name, params, macs, w[0], w[1])
		}
		if out := g.Output().Shape; !out.Equal(ir.Shape{10}) {
			t.Errorf("%s: output %s, want 10", v.name, out)
		}
	}
}
