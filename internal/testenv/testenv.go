// Package testenv gives the export tests what they check against: a Python with PyTorch
// or ONNX, Node with ONNX Runtime, real Fashion-MNIST images, and weights as netc init
// makes them. A missing outside tool skips the test with the reason and the Debian or
// npm package that brings it.
package testenv

import (
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/netc/netc/compiler"
	"github.com/netc/netc/compiler/ir"
	"github.com/netc/netc/internal/data"
	"github.com/netc/netc/runner"
)

// Python is Debian's interpreter, which python3-torch and python3-onnx install into (a
// python3 earlier on PATH may be another one).
const Python = "/usr/bin/python3"

var probes sync.Map

// probe runs a command once per test binary and reports whether it succeeded.
func probe(name string, args ...string) bool {
	key := name + " " + strings.Join(args, " ")
	if v, ok := probes.Load(key); ok {
		return v.(bool)
	}
	err := exec.Command(name, args...).Run()
	probes.Store(key, err == nil)
	return err == nil
}

// NeedPython skips t unless Python imports every module (torch, onnx, ...).
func NeedPython(t testing.TB, modules ...string) {
	t.Helper()
	for _, m := range modules {
		if !probe(Python, "-c", "import "+m) {
			pkg := map[string]string{"torch": "python3-torch", "onnx": "python3-onnx", "numpy": "python3-numpy"}[m]
			t.Skipf("skipped: %s cannot import %s (apt-get install %s)", Python, m, pkg)
		}
	}
}

// NeedTorchrun skips t unless torchrun is on PATH.
func NeedTorchrun(t testing.TB) string {
	t.Helper()
	path, err := exec.LookPath("torchrun")
	if err != nil {
		t.Skip("skipped: no torchrun on PATH (apt-get install python3-torch)")
	}
	return path
}

// NeedONNXRuntime skips t unless node can load onnxruntime-node (found through
// NODE_PATH, e.g. npm install --ignore-scripts onnxruntime-node in a directory whose
// node_modules NODE_PATH names).
func NeedONNXRuntime(t testing.TB) {
	t.Helper()
	if _, err := exec.LookPath("node"); err != nil {
		t.Skip("skipped: no ONNX runtime: node is not installed (apt-get install nodejs; then npm install --ignore-scripts onnxruntime-node and set NODE_PATH)")
	}
	if !probe("node", "-e", "require('onnxruntime-node')") {
		t.Skip("skipped: no ONNX runtime: node cannot require onnxruntime-node (npm install --ignore-scripts onnxruntime-node@1.30.0 and set NODE_PATH to its node_modules)")
	}
}

// Root is the repository's root, from a test's package directory.
func Root(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the test's directory")
		}
		dir = parent
	}
}

// Ops is the test spec with every op and attribute the bundled specs leave at defaults;
// ModernOps has every op that came after the book.
const (
	Ops       = "export/testdata/ops.toml"
	ModernOps = "runner/testdata/specs/modern_ops.toml"
)

// Modern are the bundled torchvision families built from those ops.
var Modern = []string{"efficientnet_b0", "convnext_tiny", "shufflenet_v2", "mobilenet_v3_large"}

// Spec compiles one of the bundled specs by name, or a spec file by its path from the
// repository's root.
func Spec(t testing.TB, name string) *ir.Graph {
	t.Helper()
	path := filepath.Join(Root(t), "specs", name+".toml")
	if strings.HasSuffix(name, ".toml") {
		path = filepath.Join(Root(t), name)
	}
	g, err := compiler.Check(path, compiler.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// Model is g with weights as `netc init --seed seed` writes them, and, since init makes
// every batchnorm and layernorm the identity (weight 1, bias 0, mean 0, variance 1) and
// ConvNeXt's layer scale 1e-6, every constant-initialised tensor drawn at random so that
// a wrong eps, a swapped mean and variance or a missed tensor shows in the logits.
func Model(t testing.TB, g *ir.Graph, seed uint64) *runner.Model {
	t.Helper()
	m, err := runner.NewModel(g)
	if err != nil {
		t.Fatal(err)
	}
	scheme := g.Train.Init
	if scheme == "" {
		scheme = runner.InitXavier
	}
	if err := m.Params.Init(scheme, seed); err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(seed, 1000))
	for _, p := range m.Params.List {
		lo, hi := 0.0, 0.0
		switch {
		case p.Init != ir.InitConst:
			continue
		case strings.HasSuffix(p.Name, ".running_mean"), strings.HasSuffix(p.Name, ".bias"):
			lo, hi = -0.3, 0.3
		default: // weights, running variances
			lo, hi = 0.5, 1.5
		}
		for i := range p.Data {
			p.Data[i] = float32(lo + (hi-lo)*rng.Float64())
		}
	}
	m.Params.Version++
	return m
}

// Images returns n test images of the embedded Fashion-MNIST subset as an
// n x C x H x W batch for g: scaled to [0, 1], resized bilinearly as netc's data
// pipeline does, the gray channel repeated for networks that take color.
func Images(t testing.TB, g *ir.Graph, n int) []float32 {
	t.Helper()
	ds, err := data.LoadEmbedded()
	if err != nil {
		t.Fatal(err)
	}
	c, h, w := g.Input[0], g.Input[1], g.Input[2]
	rs, err := data.NewResizer(ds.Test.Height, ds.Test.Width, h, w)
	if err != nil {
		t.Fatal(err)
	}
	out := make([]float32, n*c*h*w)
	plane := make([]float32, h*w)
	for i := 0; i < n; i++ {
		rs.ResizeBytes(plane, ds.Test.Image(i*97%ds.Test.N)) // spread over the classes
		for ch := 0; ch < c; ch++ {
			copy(out[(i*c+ch)*h*w:], plane)
		}
	}
	return out
}

// RelErr is max |got - want| / max |want|: the error relative to the logits' scale.
func RelErr(got, want []float32) float64 {
	if len(got) != len(want) {
		return 1e300
	}
	var diff, scale float64
	for i := range want {
		d := float64(got[i]) - float64(want[i])
		if d < 0 {
			d = -d
		}
		diff = max(diff, d)
		w := float64(want[i])
		if w < 0 {
			w = -w
		}
		scale = max(scale, w)
	}
	if scale == 0 {
		return diff
	}
	return diff / scale
}
