// Package pytorch writes a compiled network as a readable PyTorch module (model.py) and
// a DistributedDataParallel training script (train_ddp.py).
//
// The module follows the graph (compiler/ir), not the plan: one class per spec block,
// whose children carry netc's names, so that the state-dict keys are netc's parameter
// names and weights move both ways unchanged. A block's instances often expand
// differently (a projection shortcut only where the shape changes, a transition after
// all but the last dense block, MobileNet's expansion conv only where t != 1); the class
// builds all of them, with a has_... parameter for each child that only some instances
// have and a parameter for each value on which they disagree (class.go, params.go).
package pytorch

import (
	"cmp"
	_ "embed"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"text/template"

	"github.com/netc/netc/compiler/ir"
	"github.com/netc/netc/internal/ops"
	"github.com/netc/netc/internal/structure"
	"github.com/netc/netc/tensorio"
)

//go:embed model.py.tmpl
var modelTmpl string

//go:embed train_ddp.py.tmpl
var trainTmpl string

// Options changes what the generated files say about where they came from.
type Options struct {
	Source string // the spec's path as the user gave it (default: the graph's file)
}

// Files are the generated sources.
type Files struct {
	Model []byte // model.py
	Train []byte // train_ddp.py
}

// Generate writes g as model.py and train_ddp.py. It fails when a name of g cannot name
// a PyTorch module (a Python keyword, or an attribute of nn.Module such as "train").
func Generate(g *ir.Graph, opt Options) (*Files, error) {
	if opt.Source == "" {
		opt.Source = g.File
	}
	tree, err := structure.Build(g)
	if err != nil {
		return nil, err
	}
	b := &builder{g: g, hints: hint}
	root, err := b.unit(tree.Root)
	if err != nil {
		return nil, err
	}
	byBlock := map[string][]*unit{}
	for _, u := range b.all {
		byBlock[u.block] = append(byBlock[u.block], u)
	}
	names := reservedNames()
	var code strings.Builder
	for _, blk := range blockOrder(b.all) {
		classes := partition(byBlock[blk])
		for _, c := range classes {
			c.name = names.take(className(blk))
			c.variants = len(classes)
			for _, u := range c.units {
				u.class = c
			}
			resolve(c, names)
			c.write(&code, g, opt.Source)
			code.WriteString("\n\n")
		}
	}
	rc, _ := unify([]*unit{root})
	rc.name = className(g.Name)
	if names[rc.name] {
		rc.name += "Net"
	}
	rc.name = names.take(rc.name)
	root.class = rc
	resolve(rc, names)
	rc.write(&code, g, opt.Source)
	code.WriteString("\n")

	t, note := g.Train, "the spec's [train] recipe"
	if t.Epochs == 0 || t.Batch == 0 || t.LR == 0 {
		// A spec without [train]: the values the book trains most of its CNNs with.
		note = "the book's usual recipe (the spec has no [train])"
		t.Epochs, t.Batch, t.LR = cmp.Or(t.Epochs, 10), cmp.Or(t.Batch, 128), cmp.Or(t.LR, 0.1)
	}
	data := map[string]any{"TrainNote": note,
		"Name": g.Name, "File": opt.Source, "Example": example(g),
		"C": g.Input[0], "H": g.Input[1], "W": g.Input[2], "NumClasses": g.Classes,
		"Train": fmt.Sprintf(`{"lr": %s, "epochs": %d, "batch": %d, "momentum": %s, "weight_decay": %s}`,
			floatVal(t.LR).py(), t.Epochs, t.Batch, floatVal(t.Momentum).py(), floatVal(t.WeightDecay).py()),
		"LR": floatVal(t.LR).py(), "Epochs": t.Epochs, "Batch": t.Batch,
		"Code": strings.TrimRight(code.String(), "\n") + "\n", "Root": rc.name,
		"Helpers": helpers(g), "Recipe": newRecipe(t.Optim),
	}
	files := &Files{}
	if files.Model, err = render(modelTmpl, data); err != nil {
		return nil, err
	}
	if files.Train, err = render(trainTmpl, data); err != nil {
		return nil, err
	}
	return files, nil
}

// helpers is the Python source of the module classes and functions that the ops of g
// need and PyTorch lacks (ops' TorchHelper), each once, in op order.
func helpers(g *ir.Graph) string {
	used := map[ir.Op]bool{}
	for _, n := range g.Nodes {
		used[n.Op] = true
	}
	var b strings.Builder
	for _, o := range ops.All() {
		if used[o.Op] && o.TorchHelper != "" {
			b.WriteString("\n\n" + o.TorchHelper)
		}
	}
	return b.String()
}

// example is the deepest conv or linear weight, to show in the module's docstring.
func example(g *ir.Graph) string {
	best, depth := "conv1", -1
	for _, n := range g.Nodes {
		if d := strings.Count(n.Name, "."); (n.Op == ir.OpConv || n.Op == ir.OpLinear) && d > depth {
			best, depth = n.Name, d
		}
	}
	return best + ".weight"
}

func render(src string, data map[string]any) ([]byte, error) {
	// Spec text enters the templates only through py (a string literal) and doc (text
	// inside a docstring).
	funcs := template.FuncMap{"py": pyString, "doc": pyDocText}
	t, err := template.New("").Option("missingkey=error").Funcs(funcs).Parse(src)
	if err != nil {
		return nil, err
	}
	var b strings.Builder
	if err := t.Execute(&b, data); err != nil {
		return nil, err
	}
	return []byte(b.String()), nil
}

// Write writes the files into dir (created if needed), each atomically.
func (f *Files) Write(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for name, src := range map[string][]byte{"model.py": f.Model, "train_ddp.py": f.Train} {
		if err := tensorio.WriteFileAtomic(filepath.Join(dir, name), func(w io.Writer) error {
			_, err := w.Write(src)
			return err
		}); err != nil {
			return err
		}
	}
	return nil
}
