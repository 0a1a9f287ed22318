package draw

import (
	"bufio"
	"fmt"
	"html"
	"io"
	"strconv"
	"strings"

	"github.com/netc/netc/compiler/ir"
	"github.com/netc/netc/internal/report"
)

// writeDOT writes the view as a Graphviz digraph: blocks are clusters, boxes use the same
// colours as the SVG, labels are HTML-like (bold titles, left-aligned lists). Render it
// with `dot -Tsvg`.
func writeDOT(w io.Writer, g *ir.Graph, root *seq) error {
	b := bufio.NewWriter(w)
	params, _, macs, _ := g.Totals()
	fmt.Fprintf(b, "// %s, drawn by netc draw; render with: dot -Tsvg -o %s.svg\n", g.Name, g.Name)
	fmt.Fprintf(b, "digraph %s {\n", strconv.Quote(g.Name))
	fmt.Fprintf(b, "  graph [rankdir=TB, nodesep=0.3, ranksep=0.3, fontname=\"Helvetica\", fontsize=12, labelloc=t, labeljust=l,\n")
	fmt.Fprintf(b, "         label=<<b>%s</b><br align=\"left\"/><font point-size=\"10\" color=\"%s\">%s params · %s MACs per sample</font><br align=\"left\"/>>];\n",
		esc(g.Name), colMuted, report.Commas(params), short(macs))
	fmt.Fprintf(b, "  node [shape=box, style=\"rounded,filled\", fontname=\"Helvetica\", fontsize=10, fontcolor=%q, margin=\"0.12,0.05\", height=0.3];\n", colText)
	fmt.Fprintf(b, "  edge [fontname=\"Helvetica\", fontsize=9, color=%q, fontcolor=%q, arrowsize=0.6];\n", colEdge, colMuted)
	dotItem(b, root, "  ")
	for _, e := range connections(root) {
		fmt.Fprintf(b, "  %s -> %s [label=%q];\n", e.from.id, e.to.id, " "+shapeText(e.shape))
	}
	b.WriteString("}\n")
	return b.Flush()
}

func dotItem(b *bufio.Writer, it item, ind string) {
	switch x := it.(type) {
	case *box:
		st := palette[x.kind]
		attrs := fmt.Sprintf("fillcolor=%q, color=%q", st.fill, st.stroke)
		switch x.kind {
		case kMerge:
			attrs += fmt.Sprintf(", style=filled, fontcolor=%q, width=1.6", st.text)
		case kIO:
			attrs += ", style=\"rounded,filled,bold\""
		}
		fmt.Fprintf(b, "%s%s [label=<%s>, %s];\n", ind, x.id, dotLabel(x), attrs)
	case *seq:
		for _, sub := range x.items {
			dotItem(b, sub, ind)
		}
	case *par:
		for _, br := range x.branches {
			if br.body != nil {
				dotItem(b, br.body, ind)
			}
		}
		dotItem(b, x.merge, ind)
	case *frame:
		title := "<b>" + esc(x.title) + "</b>"
		if x.sub != "" {
			title += fmt.Sprintf(" <font color=%q>%s</font>", colMuted, esc(x.sub))
		}
		fmt.Fprintf(b, "%ssubgraph cluster_%s {\n", ind, x.id)
		fmt.Fprintf(b, "%s  label=<%s>; labeljust=l; style=\"rounded,filled\"; fillcolor=%q; color=%q; fontname=\"Helvetica\"; fontsize=11;\n",
			ind, title, frameFill(x.level), colFrameS)
		dotItem(b, x.body, ind+"  ")
		fmt.Fprintf(b, "%s}\n", ind)
	}
}

func dotLabel(x *box) string {
	if !x.list {
		s := "<b>" + esc(x.title) + "</b>"
		if x.detail != "" {
			s += "<br/>" + esc(x.detail)
		}
		return s
	}
	var parts []string
	if x.title != "" {
		t := "<b>" + esc(x.title) + "</b>"
		if x.sub != "" {
			t += fmt.Sprintf(" <font color=%q>%s</font>", colMuted, esc(x.sub))
		}
		parts = append(parts, t)
	}
	for _, l := range x.lines {
		s := fmt.Sprintf("<font color=%q>■</font> ", palette[l.kind].stroke)
		if l.count > 1 {
			s += fmt.Sprintf("%d × ", l.count)
		}
		s += "<b>" + esc(l.head) + "</b>"
		if l.rest != "" {
			s += " " + esc(l.rest)
		}
		parts = append(parts, s)
	}
	if x.foot != "" {
		parts = append(parts, fmt.Sprintf("<font point-size=\"9\" color=%q>%s</font>", colMuted, esc(x.foot)))
	}
	return strings.Join(parts, "<br align=\"left\"/>") + "<br align=\"left\"/>"
}

func esc(s string) string { return html.EscapeString(s) }
