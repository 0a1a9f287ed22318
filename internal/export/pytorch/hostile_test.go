package pytorch

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/netc/netc/compiler"
	"github.com/netc/netc/compiler/ir"
	"github.com/netc/netc/internal/testenv"
)

// hostileSpec has every kind of text the generator copies: the description (module and
// class docstrings), the network's name (SPEC, the root class, docstrings), a block's name
// (a class and its docstring) and, by the caller, the spec's file name (docstrings).
const hostileSpec = `name = NAME
description = DESC
input = { channels = 1, height = 8, width = 8 }
classes = 3
params = { width = 4 }
layers = [
  { use = "blk", c = "width" },
  { use = "blk", c = "width * 2" },
  { op = "adaptive_avgpool", size = 1 }, { op = "flatten" }, { op = "linear", out = "classes" },
]

[blocks.blk]
params = { c = 4 }
layers = [ { op = "conv", out = "c", k = 3, pad = 1 }, { op = "batchnorm", act = "relu" } ]
`

// hostile is one way to fill the spec's text.
type hostile struct {
	desc, name, file string // file: the spec's file name, in a fresh directory
	graphName, block string // set on the compiled graph, past the schema's patterns ("" keeps)
}

var benign = hostile{desc: "benign", name: "benign", file: "spec.toml"}

// tomlString quotes s as a TOML basic string, escaping every control character.
func tomlString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range strings.ToValidUTF8(s, "\uFFFD") {
		switch {
		case r == '"' || r == '\\':
			b.WriteString(`\` + string(r))
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String() + `"`
}

// generateHostile writes the spec in dir, compiles it and generates the module, with
// the spec's path as the path the user gave.
func generateHostile(t testing.TB, dir string, h hostile) (*Files, *ir.Graph, error) {
	return generateHostileSource(t, dir, h, filepath.Join(dir, h.file))
}

// generateHostileSource is generateHostile with source as the path the user gave.
func generateHostileSource(t testing.TB, dir string, h hostile, source string) (*Files, *ir.Graph, error) {
	t.Helper()
	src := strings.NewReplacer("NAME", tomlString(h.name), "DESC", tomlString(h.desc)).Replace(hostileSpec)
	path := filepath.Join(dir, h.file)
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	g, err := compiler.Check(path, compiler.Options{})
	if err != nil {
		t.Fatalf("%+v: %v", h, err)
	}
	if h.graphName != "" {
		g.Name = h.graphName
	}
	if h.block != "" {
		for _, gr := range g.Groups {
			if gr.Block == "blk" {
				gr.Block = h.block
			}
		}
	}
	files, err := Generate(g, Options{Source: source})
	return files, g, err
}

var classNameRE = regexp.MustCompile(`(?m)^class (\w+)\(`)

// generatedClasses are the classes made from the spec's names, which may be renamed.
func generatedClasses(files *Files, g *ir.Graph) map[string]bool {
	out := map[string]bool{}
	for _, m := range classNameRE.FindAllStringSubmatch(string(files.Model), -1) {
		out[m[1]] = true
	}
	for _, m := range classNameRE.FindAllStringSubmatch(helpers(g), -1) {
		delete(out, m[1])
	}
	return out
}

// checkHostile: the module and the training script have the benign spec's code, with
// only the literals changed, and SPEC is the network's name exactly (each byte that is
// not UTF-8 replaced by U+FFFD, as Python strings hold characters).
func checkHostile(t testing.TB, base, files *Files, renamed map[string]bool, name string) {
	t.Helper()
	if err := compareCode(string(base.Model), string(files.Model), renamed); err != nil {
		t.Fatalf("model.py: %v\n%s", err, files.Model)
	}
	if err := compareCode(string(base.Train), string(files.Train), nil); err != nil {
		t.Fatalf("train_ddp.py: %v\n%s", err, files.Train)
	}
	m := regexp.MustCompile(`(?m)^SPEC = (.*)$`).FindStringSubmatch(string(files.Model))
	if m == nil {
		t.Fatal("model.py has no SPEC")
	}
	if got, err := pyUnquote(m[1]); err != nil || got != strings.Map(func(r rune) rune { return r }, name) {
		t.Fatalf("SPEC = %s is %q (%v), want %q", m[1], got, err, name)
	}
}

var hostileCases = []hostile{
	// The reproductions: a description and a file name that close the docstring.
	{desc: `x""";import os;os.system("id>PWNED");"""`, name: "evil", file: "evil.toml"},
	{desc: "benign", name: "evil", file: `x""";__import__("os").system("touch P");""".toml`},
	// Every escape a literal could be broken out of, in each text the generator copies.
	{desc: "ends in a backslash \\", name: "n", file: `back\slash"quote'.toml`},
	{desc: "line\nbreaks\r\nand \x00 nul \x1b esc \x7f del\ttab \"\"\" '''", name: "x", file: "new\nline.toml"},
	{desc: "bidi \u202e override \u2066, look-alike quote \u201c, BOM \ufeff, emoji 😀", name: "x", file: "été.toml"},
	{desc: "benign", name: "x", file: "spec.toml", graphName: `x"; import os; os.system("touch P"); y = "`},
	{desc: "benign", name: "x", file: "spec.toml", graphName: "x\"\"\"\nimport os\nos.system('touch P')\n#\\"},
	{desc: "benign", name: "x", file: "spec.toml", graphName: "é 😀\u202e\x00"},
	// Names that would shadow what the module uses: a class must not be one of them.
	{desc: "benign", name: "ValueError", file: "spec.toml", block: "none"},
	{desc: "benign", name: "SPEC", file: "spec.toml", block: "layer_norm2d"},
	{desc: "benign", name: "1.x-y", file: "spec.toml", block: `blk"):os.system("touch P")#`},
	{desc: "benign", name: "x", file: "spec.toml", block: "Exception"},
	{desc: "benign", name: "x", file: "spec.toml", block: "é"},
}

// TestHostileStrings: whatever text a spec holds (description, name, block names, file
// name) lands inside a string literal or a docstring, or becomes a fresh identifier; the
// generated code is the benign spec's, token for token. With PyTorch at hand, importing
// the module and the training script runs nothing the text says.
func TestHostileStrings(t *testing.T) {
	base, _, err := generateHostile(t, t.TempDir(), benign)
	if err != nil {
		t.Fatal(err)
	}
	dirs := []string{}
	for i, h := range hostileCases {
		files, g, err := generateHostile(t, t.TempDir(), h)
		if err != nil {
			t.Fatalf("%+v: %v", h, err)
		}
		name := g.Name
		renamed := generatedClasses(base, g)
		checkHostile(t, base, files, renamed, name)
		for c := range generatedClasses(files, g) {
			if pythonKeywords[c] || pyBuiltins[c] || moduleGlobals[c] {
				t.Errorf("%+v: class %s shadows a name the module uses", h, c)
			}
		}
		if h.desc != "benign" && !strings.Contains(string(files.Model), pyDocText(strings.Fields(h.desc)[0])) {
			t.Errorf("%+v: the description is missing from model.py", h)
		}
		dir := filepath.Join(t.TempDir(), fmt.Sprint(i))
		if err := files.Write(dir); err != nil {
			t.Fatal(err)
		}
		dirs = append(dirs, dir)
	}
	testenv.NeedPython(t, "torch")
	// One interpreter imports every case's model.py and train_ddp.py (under the names
	// train_ddp.py imports), from an empty working directory that must stay empty.
	script := `
import importlib.util, os, sys
for d in sys.argv[1:]:
    for name in ("model", "train_ddp"):
        spec = importlib.util.spec_from_file_location(name, os.path.join(d, name + ".py"))
        mod = importlib.util.module_from_spec(spec)
        sys.modules[name] = mod
        spec.loader.exec_module(mod)
    net = sys.modules["model"].build()
    print(d, repr(sys.modules["model"].SPEC), type(net).__name__)
`
	work := t.TempDir()
	cmd := exec.Command(testenv.Python, append([]string{"-c", script}, dirs...)...)
	cmd.Dir = work
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("importing the generated modules: %v\n%s", err, out)
	}
	left, _ := os.ReadDir(work)
	for _, e := range left {
		t.Errorf("importing the generated modules wrote %s in the working directory", e.Name())
	}
	if n := strings.Count(string(out), "\n"); n != len(dirs) {
		t.Errorf("%d modules imported, want %d:\n%s", n, len(dirs), out)
	}
}
