package pytorch

import (
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzPyTorchEmitterStrings: no text a spec can hold (its description, its name, a
// block's name, its file name) changes the generated module or training script beyond
// the literal it belongs in, or a class name into anything but a fresh identifier. It
// compares token streams with the Go tokenizer of pytokens_test.go, so it needs no
// Python.
//
// The benign spec is compiled once; each input rewrites only its description line (which
// the generator reads back from the file) and sets the network's and the block's names on
// a copy of the graph, past the schema's patterns, to try the generator alone.
func FuzzPyTorchEmitterStrings(f *testing.F) {
	for _, h := range hostileCases {
		f.Add(h.desc, h.graphName, h.file, h.block)
	}
	f.Add("", "", "", "")
	dir := f.TempDir()
	base, g0, err := generateHostile(f, dir, benign)
	if err != nil {
		f.Fatal(err)
	}
	renamed := generatedClasses(base, g0)
	path := filepath.Join(dir, benign.file)
	src, err := os.ReadFile(path)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, desc, name, source, block string) {
		// One line still: the layers keep the positions the graph has.
		line := "description = " + tomlString(desc)
		spec := strings.Replace(string(src), `description = "benign"`, line, 1)
		if err := os.WriteFile(path, []byte(spec), 0o644); err != nil {
			t.Fatal(err)
		}
		g := *g0
		if name != "" {
			g.Name = name
		}
		if block != "" {
			g.Groups = maps.Clone(g0.Groups)
			for k, gr := range g.Groups {
				if gr.Block == "blk" {
					c := *gr
					c.Block = block
					g.Groups[k] = &c
				}
			}
		}
		files, err := Generate(&g, Options{Source: source})
		if err != nil {
			return // refused (a name that cannot name a module): nothing generated
		}
		checkHostile(t, base, files, renamed, g.Name)
	})
}
