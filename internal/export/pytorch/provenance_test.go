package pytorch

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/netc/netc/compiler"
	"github.com/netc/netc/internal/testenv"
)

// TestNoSpecFileNeeded: what the generated code borrows from the spec (parameter names
// of its expressions, the description, where blocks are defined) travels in the graph.
// A spec compiled from memory under a path that does not exist gives the pinned module,
// as the file itself does.
func TestNoSpecFileNeeded(t *testing.T) {
	for _, spec := range []string{"resnet18", "mobilenet_v2"} {
		src, err := os.ReadFile(filepath.Join(testenv.Root(t), "specs", spec+".toml"))
		if err != nil {
			t.Fatal(err)
		}
		g, err := compiler.CheckSource(filepath.Join(t.TempDir(), "gone", spec+".toml"), src, compiler.Options{})
		if err != nil {
			t.Fatal(err)
		}
		files, err := Generate(g, Options{Source: "specs/" + spec + ".toml"})
		if err != nil {
			t.Fatal(err)
		}
		want, err := os.ReadFile(filepath.Join("testdata", "golden", spec+".model.py"))
		if err != nil {
			t.Fatal(err)
		}
		if string(files.Model) != string(want) {
			t.Errorf("%s: the module generated from memory differs from testdata/golden/%s.model.py", spec, spec)
		}
	}
}
