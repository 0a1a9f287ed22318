// Package draw draws a compiled network, with no external program: SVG and PNG are laid
// out and rendered here in Go; DOT (Graphviz) and Mermaid are text for those who have
// the tools.
//
// A drawing flows top to bottom from the input to the output. Each box is an op with its
// key attributes (an activation that directly follows a conv, linear or batchnorm is drawn
// in its box: "conv + relu"); each edge carries the tensor shape that flows along it;
// parallel branches sit side by side under a split and merge into a concat or add bar;
// blocks are frames with their name, and at the depth limit they collapse into one box
// that lists their contents, parameters and MACs (a collapsed parallel block keeps its
// branches visible, each as one such box). Groups of nodes that the execution plan fuses
// can be outlined.
package draw

import (
	"fmt"
	"io"
	"strings"

	"github.com/netc/netc/compiler/ir"
	"github.com/netc/netc/internal/structure"
)

// Format is an output format.
type Format string

const (
	SVG     Format = "svg"
	PNG     Format = "png"
	DOT     Format = "dot"
	Mermaid Format = "mermaid"
)

// Formats lists the formats, for help texts and errors.
var Formats = []Format{SVG, PNG, DOT, Mermaid}

// ParseFormat reads a format name.
func ParseFormat(s string) (Format, error) {
	for _, f := range Formats {
		if strings.EqualFold(s, string(f)) {
			return f, nil
		}
	}
	if strings.EqualFold(s, "gv") {
		return DOT, nil
	}
	if strings.EqualFold(s, "mmd") {
		return Mermaid, nil
	}
	return "", fmt.Errorf("unknown format %q: expected svg, png, dot or mermaid", s)
}

// Options change what is drawn.
type Options struct {
	// Depth collapses blocks nested Depth deep into one box each (1: the top-level
	// blocks, 2: the blocks inside those); 0 draws every layer.
	Depth int
	// Fused lists groups of node names (as `netc check` prints them) to outline with a
	// dashed line: the kernels an execution plan fuses. Groups with a node inside a
	// collapsed block are not outlined. SVG and PNG only.
	Fused [][]string
	// Scale is the number of PNG pixels per SVG unit; 0 means 2, for sharp text on high
	// density screens.
	Scale float64
}

// Render draws g in format f.
func Render(w io.Writer, g *ir.Graph, f Format, opt Options) error {
	if opt.Depth < 0 {
		return fmt.Errorf("depth must be 0 (every layer) or more, found %d", opt.Depth)
	}
	root, err := viewOf(g, opt.Depth)
	if err != nil {
		return err
	}
	switch f {
	case DOT:
		return writeDOT(w, g, root)
	case Mermaid:
		return writeMermaid(w, g, root)
	case SVG, PNG:
	default:
		return fmt.Errorf("unknown format %q", f)
	}
	fused, err := resolve(g, opt.Fused)
	if err != nil {
		return err
	}
	sc := layout(g, root, opt.Depth, fused)
	if f == SVG {
		return writeSVG(w, sc, g.Name)
	}
	scale := opt.Scale
	if scale == 0 {
		scale = 2
	}
	if scale < 0.25 || scale > 8 {
		return fmt.Errorf("scale must be between 0.25 and 8, found %g", scale)
	}
	return writePNG(w, sc, scale)
}

// viewOf builds the view of g at depth.
func viewOf(g *ir.Graph, depth int) (*seq, error) {
	t, err := structure.Build(g)
	if err != nil {
		return nil, err
	}
	return buildView(t, depth), nil
}

// resolve maps the fused groups' names to nodes.
func resolve(g *ir.Graph, groups [][]string) ([][]*ir.Node, error) {
	if len(groups) == 0 {
		return nil, nil
	}
	byName := map[string]*ir.Node{}
	for _, n := range g.Nodes {
		byName[n.Name] = n
	}
	out := make([][]*ir.Node, len(groups))
	for i, group := range groups {
		for _, name := range group {
			n := byName[name]
			if n == nil {
				return nil, fmt.Errorf("fused group %d names %q, which is not a layer of %s", i+1, name, g.Name)
			}
			out[i] = append(out[i], n)
		}
	}
	return out, nil
}
