package pytorch

import (
	"regexp"
	"strings"

	"github.com/netc/netc/compiler/ast"
	"github.com/netc/netc/compiler/diag"
	"github.com/netc/netc/compiler/ir"
	"github.com/netc/netc/compiler/load"
)

// specInfo is what the generated code borrows from the spec's text: the names its
// expressions give to attributes (out = "c" makes a constructor parameter c) and where
// each block is defined, for the docstrings. Both are optional: a graph whose spec file
// cannot be read again is exported all the same, with generic names.
type specInfo struct {
	layers map[diag.Pos]*ast.Layer
	blocks map[string]*ast.Block
	desc   string
}

func readSpec(g *ir.Graph) *specInfo {
	info := &specInfo{layers: map[diag.Pos]*ast.Layer{}, blocks: map[string]*ast.Block{}}
	d, errs := load.File(g.File)
	if errs != nil {
		return info
	}
	s, errs := ast.Decode(d)
	if errs != nil || s == nil {
		return info
	}
	info.desc = s.Description
	add := func(ls []*ast.Layer) {
		for _, l := range ls {
			info.layers[l.Pos] = l
		}
	}
	add(s.Layers)
	for name, b := range s.Blocks {
		info.blocks[name] = b
		add(b.Layers)
		add(b.After)
		for _, br := range b.Branches {
			add(br.Layers)
		}
	}
	return info
}

var indexedName = regexp.MustCompile(`^([A-Za-z_][A-Za-z0-9_]*)\[(\d+)\]$`)

// hint is the spec's expression for attr of the layer that made n, when it names a
// parameter: "c" gives c, "c2[1]" gives c2_1; anything else gives "".
func (s *specInfo) hint(n *ir.Node, attr string) string {
	l := s.layers[n.Pos]
	if l == nil || (l.Op != string(n.Op)) {
		return "" // an activation added by act shares its layer's position
	}
	for _, a := range l.Args {
		if a.Key != attr || a.Expr == nil {
			continue
		}
		src := strings.TrimSpace(a.Expr.Src)
		if identRE.MatchString(src) {
			return src
		}
		if m := indexedName.FindStringSubmatch(src); m != nil {
			return m[1] + "_" + m[2]
		}
	}
	return ""
}
