package pytorch

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/netc/netc/internal/testenv"
)

// TestReservedNames: spec names that are identifiers but mean something in model.py
// (a block class, a helper, a function the module defines, a builtin it calls) do not
// shadow it: a block named like a helper gets another class name, and a constructor
// parameter named like a class or global gets a trailing underscore. With PyTorch at
// hand, the module builds and runs.
func TestReservedNames(t *testing.T) {
	src := `name = "reserved"
input = { channels = 2, height = 8, width = 8 }
classes = 3
layers = [
  { use = "outer", Blk = 5, DropPath = 1 },
  { use = "outer", Blk = 7, DropPath = 2 },
  { op = "adaptive_avgpool", size = 1 }, { op = "flatten" }, { op = "linear", out = "classes" },
]

[blocks.outer]
params = { Blk = 4, DropPath = 1 }
layers = [ { op = "conv", out = "Blk", k = 1 }, { use = "blk", c = "Blk", mul_all = "DropPath" }, { use = "drop_path", float = "Blk" } ]

[blocks.blk]
params = { c = 4, mul_all = 1 }
layers = [ { op = "conv", out = "c", k = 3, pad = 1, stride = "mul_all" } ]

[blocks.drop_path]
params = { float = 4 }
layers = [ { op = "conv", out = "float", k = 1 }, { op = "drop_path", p = 0.1 } ]
`
	files, err := Generate(checkSource(t, src), Options{})
	if err != nil {
		t.Fatal(err)
	}
	model := string(files.Model)
	// What a parameter must not shadow: every top-level name of the generated module, and
	// the builtins the classes call.
	reserved := map[string]bool{"super": true, "float": true, "sum": true, "isinstance": true}
	for _, m := range regexp.MustCompile(`(?m)^(?:class (\w+)|def (\w+)|(\w+) =|import (\w+)|from \S+ import (\w+))`).FindAllStringSubmatch(model, -1) {
		reserved[m[1]+m[2]+m[3]+m[4]+m[5]] = true
	}
	for _, m := range regexp.MustCompile(`def __init__\(self(?:, )?([^)]*)\)`).FindAllStringSubmatch(model, -1) {
		for _, p := range strings.Split(m[1], ", ") {
			if reserved[p] {
				t.Errorf("constructor parameter %s shadows a name of the module:\n%s", p, model)
			}
		}
	}
	for _, m := range regexp.MustCompile(`(?m)^class (\w+)\(`).FindAllStringSubmatch(model, -1) {
		if strings.Count(model, "\nclass "+m[1]+"(") > 1 {
			t.Errorf("class %s is defined twice:\n%s", m[1], model)
		}
	}
	testenv.NeedPython(t, "torch")
	dir := t.TempDir()
	if err := files.Write(dir); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "run.py"), []byte(
		"import torch, model\nnet = model.build().eval()\nprint(tuple(net(torch.zeros(2, 2, 8, 8)).shape))\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(testenv.Python, "run.py")
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil || strings.TrimSpace(string(out)) != "(2, 3)" {
		t.Fatalf("building and running the module: %v\n%s\n%s", err, out, model)
	}
}
