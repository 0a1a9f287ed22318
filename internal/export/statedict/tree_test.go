package statedict

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/netc/netc/compiler"
	"github.com/netc/netc/compiler/ir"
	"github.com/netc/netc/tensorio"
)

// treeSpec compiles a stem convolution, one block of two branches merged by add, and a
// linear head; every convolution in the block is 8 -> 8 channels without bias.
func treeSpec(t *testing.T, branches string) *ir.Graph {
	t.Helper()
	path := filepath.Join(t.TempDir(), "tree.toml")
	spec := `name = "tree"
input = { channels = 3, height = 8, width = 8 }
classes = 10
layers = [
  { op = "conv", out = 8, k = 3, pad = 1 },
  { use = "blk" },
  { op = "adaptive_avgpool", size = 1 }, { op = "flatten" }, { op = "linear", out = "classes" },
]
[blocks.blk]
merge = "add"
[blocks.blk.branches]
` + branches
	if err := os.WriteFile(path, []byte(spec), 0o644); err != nil {
		t.Fatal(err)
	}
	g, err := compiler.Check(path, compiler.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// unorderedState builds an unordered state dict (as safetensors gives one) of the stem, the
// head, and the block's modules: "c:PATH" a 1x1 or "c3:PATH" a 3x3 convolution, "b:PATH"
// a batchnorm.
func unorderedState(mods ...string) *Source {
	ts := []tensorio.Tensor{tensor("stem.weight", 8, 3, 3, 3), tensor("stem.bias", 8), tensor("fc.weight", 10, 8), tensor("fc.bias", 10)}
	for _, m := range mods {
		kind, path, _ := strings.Cut(m, ":")
		switch kind {
		case "c":
			ts = append(ts, tensor(path+".weight", 8, 8, 1, 1))
		case "c3":
			ts = append(ts, tensor(path+".weight", 8, 8, 3, 3))
		case "b":
			for _, s := range []string{"weight", "bias", "running_mean", "running_var"} {
				ts = append(ts, tensor(path+"."+s, 8))
			}
		}
	}
	slices.SortFunc(ts, func(a, b tensorio.Tensor) int { return strings.Compare(a.Name, b.Name) })
	return &Source{Tensors: ts}
}

// TestModuleTree: where the file keeps no order and names do not number the modules, the
// module tree pairs a PyTorch submodule with the netc branch that holds exactly its
// layers (ResNet's downsample and shortcut, worked out by hand); where the tree fits
// more than one way (two submodules of one shape, a submodule beside loose layers of its
// shape, loose layers only) the import still fails naming the modules.
func TestModuleTree(t *testing.T) {
	resnet := treeSpec(t, `main = [ { op = "conv", out = 8, k = 3, pad = 1, bias = false }, { op = "batchnorm", act = "relu" },
         { op = "conv", out = 8, k = 1, bias = false }, { op = "batchnorm" } ]
shortcut = [ { op = "conv", out = 8, k = 1, bias = false }, { op = "batchnorm" } ]
`)
	res, err := MapSource(resnet, unorderedState("c3:blk.conv1", "b:blk.bn1", "c:blk.conv2", "b:blk.bn2", "c:blk.downsample.0", "b:blk.downsample.1"), Auto, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"blk.main.conv2.weight": "blk.conv2.weight", "blk.main.batchnorm2.running_mean": "blk.bn2.running_mean",
		"blk.shortcut.conv.weight": "blk.downsample.0.weight", "blk.shortcut.batchnorm.running_mean": "blk.downsample.1.running_mean"}
	for to, from := range want {
		if !slices.ContainsFunc(res.Pairs, func(p Pair) bool { return p.To == to && p.From == from }) {
			t.Errorf("%s did not come from %s: %v", to, from, res.Pairs)
		}
	}

	// The same block with its shortcut's layers loose beside conv2 and bn2: nothing tells.
	_, err = MapSource(resnet, unorderedState("c3:blk.conv1", "b:blk.bn1", "c:blk.conv2", "b:blk.bn2", "c:blk.proj_conv", "b:blk.proj_bn"), Auto, nil)
	wantAmbiguous(t, "loose layers", err, "blk.bn2", "blk.proj_bn")

	twins := treeSpec(t, `left = [ { op = "conv", out = 8, k = 1, bias = false }, { op = "batchnorm" } ]
right = [ { op = "conv", out = 8, k = 1, bias = false }, { op = "batchnorm" } ]
`)
	_, err = MapSource(twins, unorderedState("c:blk.a.0", "b:blk.a.1", "c:blk.b.0", "b:blk.b.1"), Auto, nil)
	wantAmbiguous(t, "two submodules", err, "blk.a.0", "blk.b.0")
	_, err = MapSource(twins, unorderedState("c:blk.unit.0", "b:blk.unit.1", "c:blk.conv", "b:blk.bn"), Auto, nil)
	wantAmbiguous(t, "a submodule beside loose layers", err, "blk.conv", "blk.unit.0")
}

func wantAmbiguous(t *testing.T, what string, err error, a, b string) {
	t.Helper()
	var e *Error
	msg := ""
	if err != nil {
		msg = err.Error()
	}
	if !errorAs(err, &e) || !e.Ambiguous || !strings.Contains(msg, "could be PyTorch's "+a+" or "+b) && !strings.Contains(msg, "could be PyTorch's "+b+" or "+a) {
		t.Errorf("%s: got %v, want an error naming %s and %s", what, err, a, b)
	}
}
