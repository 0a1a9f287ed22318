package draw

import (
	"bufio"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/netc/netc/compiler/ir"
)

// writeMermaid writes the view as a Mermaid flowchart (GitHub renders these in Markdown
// inside a ```mermaid fence): blocks are subgraphs, and boxes use the SVG's colours.
func writeMermaid(w io.Writer, g *ir.Graph, root *seq) error {
	b := bufio.NewWriter(w)
	fmt.Fprintf(b, "%%%% %s, drawn by netc draw\n", g.Name)
	b.WriteString("flowchart TB\n")
	classes := map[kind][]string{}
	var frames []*frame
	mermaidItem(b, root, "  ", classes, &frames)
	for _, e := range connections(root) {
		fmt.Fprintf(b, "  %s -->|\"%s\"| %s\n", e.from.id, shapeText(e.shape), e.to.id)
	}
	var kinds []int
	for k := range classes {
		kinds = append(kinds, int(k))
	}
	sort.Ints(kinds)
	for _, k := range kinds {
		st := palette[k]
		fmt.Fprintf(b, "  classDef %s fill:%s,stroke:%s,color:%s\n", kindName[k], st.fill, st.stroke, st.text)
		fmt.Fprintf(b, "  class %s %s\n", strings.Join(classes[kind(k)], ","), kindName[k])
	}
	for _, f := range frames {
		fmt.Fprintf(b, "  style %s fill:%s,stroke:%s\n", f.id, frameFill(f.level), colFrameS)
	}
	return b.Flush()
}

func mermaidItem(b *bufio.Writer, it item, ind string, classes map[kind][]string, frames *[]*frame) {
	switch x := it.(type) {
	case *box:
		open, close := "[\"", "\"]"
		if x.kind == kIO {
			open, close = "([\"", "\"])"
		}
		fmt.Fprintf(b, "%s%s%s%s%s\n", ind, x.id, open, mermaidLabel(x), close)
		classes[x.kind] = append(classes[x.kind], x.id)
	case *seq:
		for _, sub := range x.items {
			mermaidItem(b, sub, ind, classes, frames)
		}
	case *par:
		for _, br := range x.branches {
			if br.body != nil {
				mermaidItem(b, br.body, ind, classes, frames)
			}
		}
		mermaidItem(b, x.merge, ind, classes, frames)
	case *frame:
		title := x.title
		if x.sub != "" {
			title += " (" + x.sub + ")"
		}
		fmt.Fprintf(b, "%ssubgraph %s[\"%s\"]\n%s  direction TB\n", ind, x.id, mq(title), ind)
		mermaidItem(b, x.body, ind+"  ", classes, frames)
		fmt.Fprintf(b, "%send\n", ind)
		*frames = append(*frames, x)
	}
}

func mermaidLabel(x *box) string {
	var parts []string
	if x.title != "" {
		t := "<b>" + mq(x.title) + "</b>"
		if x.sub != "" {
			t += " <i>" + mq(x.sub) + "</i>"
		}
		parts = append(parts, t)
	}
	if x.detail != "" {
		parts = append(parts, mq(x.detail))
	}
	for _, l := range x.lines {
		s := ""
		if l.count > 1 {
			s = fmt.Sprintf("%d × ", l.count)
		}
		s += "<b>" + mq(l.head) + "</b>"
		if l.rest != "" {
			s += " " + mq(l.rest)
		}
		parts = append(parts, s)
	}
	if x.foot != "" {
		parts = append(parts, "<small>"+mq(x.foot)+"</small>")
	}
	return strings.Join(parts, "<br/>")
}

// mq escapes text for a quoted Mermaid label.
func mq(s string) string {
	return strings.NewReplacer(`"`, "#quot;", "<", "#lt;", ">", "#gt;").Replace(s)
}
