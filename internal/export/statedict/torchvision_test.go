package statedict

import (
	"path/filepath"
	"slices"
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
// agree with PyTorch's within 1e-5. A safetensors file keeps no order; in ResNet's first
// block the third conv and the projection have one shape, and the module tree settles
// which is which: downsample's conv and batchnorm are netc's shortcut branch.
func TestTorchvision(t *testing.T) {
	nets := []string{"tiny_resnet50", "tiny_mobilenet_v2", "tiny_efficientnet_b0", "tiny_convnext_tiny", "tiny_shufflenet_v2", "tiny_mobilenet_v3_large", "tiny_squeezenet", "tiny_densenet"}
	for _, name := range nets {
		for _, ext := range []string{".pt", ".safetensors"} {
			rel, res, err := importAndRun(t, name, name+ext, nil)
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
	_, res, err := importAndRun(t, "tiny_resnet50", "tiny_resnet50.safetensors", nil)
	if err != nil {
		t.Fatal(err)
	}
	for to, from := range map[string]string{
		"stage1.bottleneck1.shortcut.projection.conv.weight":           "layer1.0.downsample.0.weight",
		"stage1.bottleneck1.shortcut.projection.batchnorm.running_var": "layer1.0.downsample.1.running_var",
		"stage1.bottleneck1.main.conv3.weight":                         "layer1.0.conv3.weight",
		"stage1.bottleneck1.main.batchnorm3.weight":                    "layer1.0.bn3.weight",
	} {
		if !slices.ContainsFunc(res.Pairs, func(p Pair) bool { return p.From == from && p.To == to }) {
			t.Errorf("tiny_resnet50.safetensors: %s did not come from %s", to, from)
		}
	}
}
