package pytorch

import (
	"maps"
	"testing"
)

// FuzzPyTorchEmitterStrings: no text a spec can hold (its description, its name, a
// block's name, its file name) changes the generated module or training script beyond
// the literal it belongs in, or a class name into anything but a fresh identifier. It
// compares token streams with the Go tokenizer of pytokens_test.go, so it needs no
// Python.
//
// The benign spec is compiled once; each input sets the texts on a copy of the graph,
// past the schema's patterns, to try the generator alone.
func FuzzPyTorchEmitterStrings(f *testing.F) {
	for _, h := range hostileCases {
		f.Add(h.desc, h.graphName, h.file, h.block)
	}
	f.Add("", "", "", "")
	base, g0, err := generateHostile(f, f.TempDir(), benign)
	if err != nil {
		f.Fatal(err)
	}
	renamed := generatedClasses(base, g0)
	f.Fuzz(func(t *testing.T, desc, name, source, block string) {
		g := *g0
		g.Description = desc
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
			g.BlockPos = maps.Clone(g0.BlockPos)
			g.BlockPos[block] = g0.BlockPos["blk"]
		}
		files, err := Generate(&g, Options{Source: source})
		if err != nil {
			return // refused (a name that cannot name a module): nothing generated
		}
		checkHostile(t, base, files, renamed, g.Name)
	})
}
