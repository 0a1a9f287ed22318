package pytorch

import (
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/netc/netc/compiler"
	"github.com/netc/netc/compiler/ir"
	"github.com/netc/netc/internal/testenv"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// TestGolden pins the generated code of three networks (a plain sequence, blocks with an
// optional shortcut conv, and blocks whose instances differ in layers, branches and
// repeats), so that CI without PyTorch still sees every change to it. TestPyTorchParity
// is what shows that the pinned code computes what netc computes.
func TestGolden(t *testing.T) {
	cases := []struct{ spec, file string }{
		{"lenet-bn", "lenet-bn.model.py"}, {"resnet18", "resnet18.model.py"},
		{"mobilenet_v2", "mobilenet_v2.model.py"}, {"lenet-bn", "lenet-bn.train_ddp.py"},
	}
	for _, c := range cases {
		g := testenv.Spec(t, c.spec)
		files, err := Generate(g, Options{Source: "specs/" + c.spec + ".toml"})
		if err != nil {
			t.Fatal(err)
		}
		got := files.Model
		if strings.HasSuffix(c.file, "train_ddp.py") {
			got = files.Train
		}
		path := filepath.Join("testdata", "golden", c.file)
		if *update {
			if err := os.WriteFile(path, got, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (go test ./internal/export/pytorch -update writes it)", err)
		}
		if string(got) != string(want) {
			t.Errorf("%s differs from the generated code; review with go test ./internal/export/pytorch -update && git diff", path)
		}
	}
}

// TestOneClassPerBlock: every block of the bundled specs becomes exactly one class (its
// instances unify), and the module imports nothing but torch and the standard library.
func TestOneClassPerBlock(t *testing.T) {
	classRE := regexp.MustCompile(`(?m)^class (\w+)\(`)
	importRE := regexp.MustCompile(`(?m)^(?:import|from) (\S+)`)
	specs, _ := filepath.Glob(filepath.Join(testenv.Root(t), "specs", "*.toml"))
	for _, path := range specs {
		g, err := compiler.Check(path, compiler.Options{})
		if err != nil {
			t.Fatal(err)
		}
		files, err := Generate(g, Options{})
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		blocks := map[string]bool{}
		for _, gr := range g.Groups {
			if gr.Block != "" {
				blocks[gr.Block] = true
			}
		}
		// Module classes of ops that PyTorch lacks (LayerNorm2d, DropPath) come besides.
		classes := len(classRE.FindAllStringSubmatch(string(files.Model), -1)) - len(classRE.FindAllStringSubmatch(helpers(g), -1))
		if classes != len(blocks)+1 {
			t.Errorf("%s: %d classes for %d blocks and the network", g.Name, classes, len(blocks))
		}
		for _, m := range importRE.FindAllStringSubmatch(string(files.Model), -1) {
			if !strings.HasPrefix(m[1], "torch") && !map[string]bool{"collections": true, "ctypes": true, "json": true, "os": true, "struct": true}[m[1]] {
				t.Errorf("%s: model.py imports %s; it should need torch alone", g.Name, m[1])
			}
		}
	}
}

// TestInstancesThatDiffer: a block whose instances differ in a layer's kind (a batchnorm
// after a feature map is BatchNorm2d, after flatten BatchNorm1d) cannot be one class; it
// becomes two. A name that PyTorch reserves is refused with the layer's path.
func TestInstancesThatDiffer(t *testing.T) {
	src := `
name = "variants"
input = { channels = 2, height = 4, width = 4 }
classes = 3
layers = [ { use = "norm" }, { op = "flatten" }, { use = "norm" }, { op = "linear", out = "classes" } ]
[blocks.norm]
layers = [ { op = "batchnorm" }, { op = "relu", name = "act" } ]
`
	files, err := Generate(checkSource(t, src), Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"class Norm(nn.Sequential)", "class Norm2(nn.Sequential)", "norm1=Norm()", "norm2=Norm2()",
		"nn.BatchNorm2d(2)", "nn.BatchNorm1d(32)", "other instances expand to different layers"} {
		if !strings.Contains(string(files.Model), want) {
			t.Errorf("model.py lacks %q:\n%s", want, files.Model)
		}
	}
	bad := strings.Replace(src, `name = "act"`, `name = "train"`, 1)
	_, err = Generate(checkSource(t, bad), Options{})
	if err == nil || !strings.Contains(err.Error(), "norm1.train") || !strings.Contains(err.Error(), "attribute of torch.nn.Module") {
		t.Errorf("a layer named train: got %v, want an error naming norm1.train", err)
	}
}

func checkSource(t *testing.T, src string) *ir.Graph {
	t.Helper()
	path := filepath.Join(t.TempDir(), "spec.toml")
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	g, err := compiler.Check(path, compiler.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// TestRelations: arguments that vary are expressed through parameters as the resolver
// promises, and only when the relation holds for every instance.
func TestRelations(t *testing.T) {
	r := &resolver{n: 3, names: namer{}}
	r.inC = &param{name: "in_c", vals: []value{intVal(64), intVal(96), intVal(128)}}
	cases := []struct {
		vals []value
		want string
	}{
		{[]value{intVal(96), intVal(128), intVal(160)}, "in_c + 32"},
		{[]value{intVal(384), intVal(576), intVal(768)}, "in_c * 6"},
		{[]value{intVal(32), intVal(48), intVal(64)}, "in_c // 2"},
		{[]value{intVal(64), {}, intVal(128)}, "in_c"},             // don't care in the middle
		{[]value{intVal(1), intVal(2), intVal(7)}, "unit_out"},     // no relation: a new parameter
		{[]value{intVal(5), intVal(5), intVal(5)}, "5"},            // the same everywhere: a literal
		{[]value{intVal(32), intVal(48), intVal(65)}, "unit_out2"}, // // 2 fails on the last
	}
	for _, c := range cases {
		got, _ := r.expr(c.vals, "", false, "unit_out", nil)
		if got != c.want {
			t.Errorf("%v: got %q, want %q", c.vals, got, c.want)
		}
	}
}

func TestMergeOrder(t *testing.T) {
	got, ok := mergeOrder([][]string{{"conv1", "bn1", "relu"}, {"bn1", "relu", "pool"}, {"conv1", "relu"}})
	if !ok || strings.Join(got, " ") != "conv1 bn1 relu pool" {
		t.Errorf("got %v %v", got, ok)
	}
	if _, ok := mergeOrder([][]string{{"a", "b"}, {"b", "a"}}); ok {
		t.Error("a, b and b, a merged")
	}
}
