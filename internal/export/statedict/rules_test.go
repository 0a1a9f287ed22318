package statedict

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestRules: a * in the layer matches within one dotted segment and fills the module's *;
// a rules file is read in order, and its mistakes are reported with their line.
func TestRules(t *testing.T) {
	r := mustRule(t, "stage*.bottleneck1.shortcut.projection.conv", "layer*.0.downsample.0")
	for layer, want := range map[string]string{
		"stage2.bottleneck1.shortcut.projection.conv":   "layer2.0.downsample.0",
		"stage2.bottleneck1.shortcut.projection.batch":  "",
		"stage2.x.bottleneck1.shortcut.projection.conv": "", // * stays within a segment
	} {
		if got := r.module(layer); got != want {
			t.Errorf("%s -> %q, want %q", layer, got, want)
		}
	}
	// Both stages' projections of the small ResNet by one rule each for conv and batchnorm.
	dir := t.TempDir()
	path := filepath.Join(dir, "map.toml")
	os.WriteFile(path, []byte("# shortcuts\n\"stage*.bottleneck1.shortcut.projection.conv\" = \"layer*.0.downsample.0\"\n"+
		"\"stage*.bottleneck1.shortcut.projection.batchnorm\" = \"layer*.0.downsample.1\"\n"), 0o644)
	rules, err := ReadRules(path)
	if err != nil || len(rules) != 2 || rules[1].Where != path+":3" {
		t.Fatalf("%v: %v", rules, err)
	}
	if rel, _, err := importAndRun(t, "tiny_resnet50", "tiny_resnet50.safetensors", rules); err != nil || rel > 1e-5 {
		t.Errorf("relative error %.3g, %v", rel, err)
	}

	for src, msg := range map[string]string{
		"\"a\" = \n":               "map.toml:1:",
		"\"a\" = 3\n":              `map.toml:1: "a": expected "netc layer" = "PyTorch module", found a int64`,
		"\"a\" = \"b.*\"\n":        `the module has more * than the layer`,
		"# nothing\n":              "no rules",
		"\"conv9\" = \"block0\"\n": `"conv9" matches no layer of the spec`,
		"\"conv2\" = \"nope\"\n":   "conv2 -> nope: the state dict has no module nope",
		"\"conv*\" = \"block0\"\n": "conv2 -> block0: already given to conv1",
	} {
		os.WriteFile(path, []byte(src), 0o644)
		rules, err := ReadRules(path)
		if err == nil {
			_, _, err = importAndRun(t, "swap", "swap.safetensors", rules)
		}
		if err == nil || !strings.Contains(err.Error(), msg) {
			t.Errorf("%q: got %v, want %q", src, err, msg)
		}
	}
}
