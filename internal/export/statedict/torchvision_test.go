package statedict

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/netc/netc/compiler"
	"github.com/netc/netc/internal/testenv"
	"github.com/netc/netc/runner"
	"github.com/netc/netc/tensorio"
)

// importAndRun imports a fixture of testdata/tv into its spec and returns netc's eval
// logits' relative error against PyTorch's (computed in float64 by
// tools/statedict_fixtures.py).
func importAndRun(t *testing.T, name, file string, rules []Rule) (float64, *Result, error) {
	t.Helper()
	dir := filepath.Join("testdata", "tv")
	g, err := compiler.Check(filepath.Join(dir, name+".toml"), compiler.Options{})
	if err != nil {
		t.Fatal(err)
	}
	src, err := Load(filepath.Join(dir, file))
	if err != nil {
		t.Fatal(err)
	}
	res, err := MapSource(g, src, Auto, rules)
	if err != nil {
		return 0, nil, err
	}
	m, err := runner.NewModel(g)
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Params.Set(file, res.Tensors); err != nil {
		t.Fatal(err)
	}
	xs, x, err := tensorio.ReadNPY(filepath.Join(dir, name+".x.npy"))
	if err != nil {
		t.Fatal(err)
	}
	_, y, err := tensorio.ReadNPY(filepath.Join(dir, name+".y.npy"))
	if err != nil {
		t.Fatal(err)
	}
	got, err := m.Infer(x, xs[0], xs[0], false)
	if err != nil {
		t.Fatal(err)
	}
	return testenv.RelErr(got, y), res, nil
}

// TestTorchvision imports small torchvision 0.14 networks of every family with a spec
// (their own classes and module names, BatchNorm statistics randomised), saved by
// torch.save and as safetensors with the keys untouched, and runs them: netc's logits
// agree with PyTorch's within 1e-5. A safetensors file keeps no order, and where names
// and structure do not settle it (ResNet's first block, whose third conv and projection
// have one shape) the import fails naming both, and a testdata/tv/<net>.map resolves it.
func TestTorchvision(t *testing.T) {
	nets := []string{"tiny_resnet50", "tiny_mobilenet_v2", "tiny_efficientnet_b0", "tiny_convnext_tiny", "tiny_shufflenet_v2", "tiny_mobilenet_v3_large", "tiny_squeezenet", "tiny_densenet"}
	for _, name := range nets {
		for _, ext := range []string{".pt", ".safetensors"} {
			var rules []Rule
			mapFile := filepath.Join("testdata", "tv", name+".map")
			if _, err := os.Stat(mapFile); err == nil && ext == ".safetensors" {
				_, _, err := importAndRun(t, name, name+ext, nil)
				if err == nil || !strings.Contains(err.Error(), "could be PyTorch's") {
					t.Errorf("%s%s without %s: got %v, want an ambiguity error", name, ext, mapFile, err)
				} else {
					t.Logf("%s%s without its map: %v", name, ext, err)
				}
				if rules, err = ReadRules(mapFile); err != nil {
					t.Fatal(err)
				}
			}
			rel, res, err := importAndRun(t, name, name+ext, rules)
			if err != nil {
				t.Errorf("%s%s: %v", name, ext, err)
				continue
			}
			t.Logf("%-24s %-12s by %s: relative error %.2e", name, ext, res.By, rel)
			if rel > 1e-5 {
				t.Errorf("%s%s: relative error %.3g", name, ext, rel)
			}
		}
	}
}
