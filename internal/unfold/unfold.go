// Package unfold writes a compiled graph back as a spec in which everything is spelled
// out: every repeat and for-list unrolled, every parameter and expression replaced by its
// value, every condition decided, and every attribute written with its default. It is what
// `netc expand` prints.
//
// The spec language names layers after the block instances they sit in (b3.inception1.p2),
// and only a block can have branches, so each block instance becomes a block of its own,
// used once under its original name; a branch that a condition removed is left out, one
// that is empty stays the identity. Checking the result gives the same layers, shapes,
// parameter counts and MACs, in the same order, as the original spec.
package unfold

import (
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/netc/netc/compiler/ir"
	"github.com/netc/netc/internal/structure"
)

// Write prints g as a fully expanded spec.
func Write(w io.Writer, g *ir.Graph) error {
	t, err := structure.Build(g)
	if err != nil {
		return err
	}
	u := &unfolder{g: g, taken: map[string]bool{}}
	u.nameDefs(t.Root)

	b := &strings.Builder{}
	fmt.Fprintf(b, "# %s, expanded by `netc expand` from %s", g.Name, strings.NewReplacer("\n", " ", "\r", " ").Replace(g.File))
	if len(g.Params) > 0 {
		keys := make([]string, 0, len(g.Params))
		for k := range g.Params {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		var kv []string
		for _, k := range keys {
			kv = append(kv, k+"="+g.Params[k])
		}
		fmt.Fprintf(b, " with %s", strings.Join(kv, ", "))
	}
	b.WriteString(".\n")
	b.WriteString("# Every repeat, parameter, expression, condition and default is written out, and each\n")
	b.WriteString("# block instance is a block of its own, so names and shapes are those of the original.\n")
	fmt.Fprintf(b, "name    = %s\n", quote(g.Name))
	fmt.Fprintf(b, "input   = { channels = %d, height = %d, width = %d }\n", g.Input[0], g.Input[1], g.Input[2])
	fmt.Fprintf(b, "classes = %d\n\n", g.Classes)
	b.WriteString("layers = ")
	u.list(b, t.Root.Body, "")
	for _, blk := range u.order {
		u.block(b, blk)
	}
	if tr := g.Train; tr.Batch > 0 {
		b.WriteString("\n[train]\n")
		fmt.Fprintf(b, "lr           = %s\n", float(tr.LR))
		fmt.Fprintf(b, "epochs       = %d\n", tr.Epochs)
		fmt.Fprintf(b, "batch        = %d\n", tr.Batch)
		fmt.Fprintf(b, "momentum     = %s\n", float(tr.Momentum))
		fmt.Fprintf(b, "weight_decay = %s\n", float(tr.WeightDecay))
		if tr.Init != "" {
			fmt.Fprintf(b, "init         = %s\n", quote(tr.Init))
		}
		fmt.Fprintf(b, "seed         = %d\n", tr.Seed)
		writeTrainOptim(b, tr.Optim)
	}
	_, err = io.WriteString(w, b.String())
	return err
}

type unfolder struct {
	g     *ir.Graph
	defs  map[*structure.Block]string // block instance -> name of its definition
	order []*structure.Block          // instances in the order their definitions are written
	taken map[string]bool
}

// nameDefs gives every block instance a definition name made from its path
// (b3.inception1 -> b3_inception1), in the order the instances appear.
func (u *unfolder) nameDefs(root *structure.Block) {
	u.defs = map[*structure.Block]string{}
	var walk func(items []structure.Item)
	walk = func(items []structure.Item) {
		for _, it := range items {
			blk, ok := it.(*structure.Block)
			if !ok {
				continue
			}
			name := strings.ReplaceAll(blk.Path(), ".", "_")
			for k := 2; u.taken[name]; k++ {
				name = fmt.Sprintf("%s_%d", strings.ReplaceAll(blk.Path(), ".", "_"), k)
			}
			u.taken[name] = true
			u.defs[blk] = name
			u.order = append(u.order, blk)
			walk(blk.Body)
			for _, br := range blk.Branches {
				walk(br.Body)
			}
			walk(blk.After)
		}
	}
	walk(root.Body)
}

// list writes a layer list whose names are relative to the path enclosing.
func (u *unfolder) list(b *strings.Builder, items []structure.Item, enclosing string) {
	if len(items) == 0 {
		b.WriteString("[]\n")
		return
	}
	b.WriteString("[\n")
	for _, it := range items {
		b.WriteString("  ")
		switch x := it.(type) {
		case *structure.Op:
			b.WriteString(opLayer(x.Node, structure.Local(x.Node.Name, enclosing)))
		case *structure.Block:
			fmt.Fprintf(b, "{ use = %s, name = %s }", quote(u.defs[x]), quote(structure.Local(x.Path(), enclosing)))
		}
		b.WriteString(",\n")
	}
	b.WriteString("]\n")
}

// block writes the definition of one block instance.
func (u *unfolder) block(b *strings.Builder, blk *structure.Block) {
	name := u.defs[blk]
	gr := blk.Group
	fmt.Fprintf(b, "\n# %s: block %s", gr.Path, gr.Block)
	if gr.Pos.IsValid() {
		fmt.Fprintf(b, ", used at %s", gr.Pos)
	}
	fmt.Fprintf(b, "\n[blocks.%s]\n", name)
	if !blk.Parallel() {
		b.WriteString("layers = ")
		u.list(b, blk.Body, gr.Path)
		return
	}
	merge := gr.Merge
	if blk.Merge != nil {
		merge = string(blk.Merge.Op)
	}
	if merge == "" {
		merge = "concat" // one branch and nothing to merge: the value is never used
	}
	fmt.Fprintf(b, "merge  = %s\n", quote(merge))
	if len(blk.After) > 0 {
		b.WriteString("after  = ")
		u.list(b, blk.After, gr.Path)
	}
	fmt.Fprintf(b, "[blocks.%s.branches]\n", name)
	for _, br := range blk.Branches {
		fmt.Fprintf(b, "%s = ", br.Name)
		u.list(b, br.Body, br.Group.Path)
	}
}

// opLayer writes one node as a layer with every attribute of its op.
func opLayer(n *ir.Node, name string) string {
	parts := []string{"op = " + quote(string(n.Op)), "name = " + quote(name)}
	spec := ir.Lookup(n.Op)
	for i := range spec.Attrs {
		as := &spec.Attrs[i]
		if as.Kind == ir.KindActivation {
			continue // activations are layers of their own in the graph
		}
		parts = append(parts, as.Name+" = "+attrValue(n.Attrs, as))
	}
	return "{ " + strings.Join(parts, ", ") + " }"
}

// attrValue writes one attribute in spec syntax.
func attrValue(a ir.Attrs, as *ir.AttrSpec) string {
	switch v := as.Get(&a).(type) {
	case int:
		return strconv.Itoa(v)
	case [2]int:
		return pair(v)
	case bool:
		return strconv.FormatBool(v)
	case float64:
		return float(v)
	}
	panic("unfold: no writer for attribute " + as.Name)
}

func pair(p [2]int) string {
	if p[0] == p[1] {
		return strconv.Itoa(p[0])
	}
	return fmt.Sprintf("[%d, %d]", p[0], p[1])
}

// float writes a TOML float that reads back as exactly f.
func float(f float64) string {
	if math.IsInf(f, 0) || math.IsNaN(f) {
		return "nan" // never produced: the compiler rejects these
	}
	s := strconv.FormatFloat(f, 'g', -1, 64)
	if !strings.ContainsAny(s, ".eE") {
		s += ".0"
	}
	return s
}

// quote writes a TOML basic string.
func quote(s string) string { return strconv.Quote(s) }
