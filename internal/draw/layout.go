package draw

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/netc/netc/compiler/ir"
	"github.com/netc/netc/internal/report"
)

// Layout is a layered top-to-bottom layout that follows the structure of the network
// rather than searching for one: the spec language only builds sequences and parallel
// sections, so a sequence stacks its items on one vertical axis, a parallel section puts
// its branches in columns side by side under a split bus and over a merge bar, and a frame
// wraps its block's contents. Sizes are computed bottom-up (measure) and positions top-down
// (place). Every item owns a rectangle that contains everything it draws (labels
// included), and siblings' rectangles are disjoint, so nothing overlaps; every edge runs
// down the axis of its item or the column of its branch.

type layouter struct {
	sc     *scene
	rects  map[*ir.Node]rect // the box that shows each node
	listed map[*ir.Node]bool // shown inside a list box, together with other nodes
}

// measure sets the size of it and everything inside it.
func measure(it item) {
	switch x := it.(type) {
	case *box:
		x.measure()
	case *seq:
		x.w, x.h = 0, 0
		for i, sub := range x.items {
			measure(sub)
			x.w = max(x.w, width(sub))
			x.h += height(sub)
			if i < len(x.items)-1 {
				x.w = max(x.w, labelCol(shapeText(outShape(sub))))
				x.h += seqGap
			}
		}
	case *par:
		x.total, x.bodyH = 0, 0
		for i, br := range x.branches {
			name := textWidth(regular, szSmall, br.name)
			if br.body == nil {
				br.colW = 2 * (max(name, textWidth(regular, szSmall, shapeText(x.in))) + labelDX + labelRoom)
			} else {
				measure(br.body)
				br.colW = max(br.body.w, 2*(max(name, textWidth(regular, szSmall, shapeText(br.out)))+labelDX+labelRoom))
				x.bodyH = max(x.bodyH, br.body.h)
			}
			x.total += br.colW
			if i > 0 {
				x.total += colGap
			}
		}
		first, last := x.branches[0], x.branches[len(x.branches)-1]
		span := x.total - first.colW/2 - last.colW/2 + 2*barOver
		x.barW = max(span, textWidth(bold, szTitle, x.merge.title)+30)
		x.w = max(x.total, x.barW)
		x.h = splitZone + x.bodyH + dropZone + barH
	case *frame:
		measure(x.body)
		x.titleW = textWidth(bold, szTitle, x.title)
		if x.sub != "" {
			x.titleW += 6 + textWidth(regular, szSmall, x.sub)
		}
		// The incoming edge runs down the frame's axis: keep the title left of it.
		x.w = max(x.body.w+2*framePad, 2*(x.titleW+framePad+8))
		x.h = frameTitleH + x.body.h + framePad
	}
}

// stretch widens the frames inside a frame to its width, so that the blocks of one level
// line up as one column (top-level frames keep their own widths).
func stretch(it item, w float64) {
	switch x := it.(type) {
	case *seq:
		x.w = max(x.w, w)
		for _, sub := range x.items {
			if f, ok := sub.(*frame); ok {
				stretch(f, x.w)
			}
		}
	case *frame:
		x.w = max(x.w, w)
		stretch(x.body, x.w-2*framePad)
	case *par:
		for _, br := range x.branches {
			if br.body != nil {
				stretch(br.body, br.body.w)
			}
		}
	}
}

// labelCol is the width a column needs for a label right of its axis.
func labelCol(label string) float64 {
	return 2 * (textWidth(regular, szSmall, label) + labelDX + labelRoom)
}

func (b *box) measure() {
	if !b.list {
		tw := textWidth(bold, szTitle, b.title)
		dw := 0.0
		b.h = 2*boxPadY + lhTitle
		if b.detail != "" {
			dw = textWidth(regular, szText, b.detail)
			b.h += lhText
		}
		b.w = max(boxMinW, 2*boxPadX+max(tw, dw))
		if b.kind == kIO {
			b.w += b.h / 2 // room for the round ends
		}
		return
	}
	inner := 0.0
	b.h = 2 * boxPadY
	if b.title != "" {
		tw := textWidth(bold, szTitle, b.title)
		if b.sub != "" {
			tw += 6 + textWidth(regular, szSmall, b.sub)
		}
		inner = tw
		b.h += lhTitle + 6
	}
	for _, l := range b.lines {
		inner = max(inner, swatch+swatchGap+lineWidth(l))
		b.h += lhText
	}
	if b.foot != "" {
		inner = max(inner, textWidth(regular, szSmall, b.foot))
		b.h += lhSmall + 2
	}
	b.w = max(boxMinW, 2*boxPadX+inner)
}

// lineWidth measures a list line: count, bold head, regular rest.
func lineWidth(l line) float64 {
	w := textWidth(bold, szText, l.head)
	if l.count > 1 {
		w += textWidth(regular, szText, fmt.Sprintf("%d × ", l.count))
	}
	if l.rest != "" {
		w += textWidth(regular, szText, " "+l.rest)
	}
	return w
}

func width(it item) float64 {
	switch x := it.(type) {
	case *box:
		return x.w
	case *seq:
		return x.w
	case *par:
		return x.w
	case *frame:
		return x.w
	}
	return 0
}

func height(it item) float64 {
	switch x := it.(type) {
	case *box:
		return x.h
	case *seq:
		return x.h
	case *par:
		return x.h
	case *frame:
		return x.h
	}
	return 0
}

// outShape is the shape that leaves an item.
func outShape(it item) ir.Shape {
	switch x := it.(type) {
	case *box:
		return x.out
	case *seq:
		return outShape(x.items[len(x.items)-1])
	case *par:
		return x.merge.out
	case *frame:
		return outShape(x.body)
	}
	return nil
}

// entry is how far below an item's top its incoming edge ends: edges into a frame run on
// to the first box inside.
func entry(it item) float64 {
	switch x := it.(type) {
	case *seq:
		return entry(x.items[0])
	case *frame:
		return frameTitleH + entry(x.body)
	}
	return 0
}

// arrowed reports whether the edge into it ends in an arrowhead; edges into a parallel
// section continue into its split bus instead.
func arrowed(it item) bool {
	switch x := it.(type) {
	case *seq:
		return arrowed(x.items[0])
	case *par:
		return false
	case *frame:
		return arrowed(x.body)
	}
	return true
}

// place draws it with its axis at ax and its top at top.
func (l *layouter) place(it item, ax, top float64) {
	switch x := it.(type) {
	case *box:
		l.placeBox(x, ax, top)
	case *seq:
		y := top
		for i, sub := range x.items {
			l.place(sub, ax, y)
			y += height(sub)
			if i < len(x.items)-1 {
				next := x.items[i+1]
				l.sc.edge(arrowed(next), pt{ax, y}, pt{ax, y + seqGap + entry(next)})
				l.sc.text(ax+labelDX, y+seqGap/2+3.5, shapeText(outShape(sub)), regular, szSmall, colMuted, false)
				y += seqGap
			}
		}
	case *par:
		l.placePar(x, ax, top)
	case *frame:
		r := rect{ax - x.w/2, top, x.w, x.h}
		l.sc.rect(zFrame, r, frameRadius, frameFill(x.level), colFrameS, 1)
		tx := r.x + framePad
		tx += l.sc.text(tx, top+16, x.title, bold, szTitle, colText, false)
		if x.sub != "" {
			l.sc.text(tx+6, top+16, x.sub, regular, szSmall, colMuted, false)
		}
		l.place(x.body, ax, top+frameTitleH)
		l.sc.edge(false, pt{ax, top + frameTitleH + x.body.h}, pt{ax, top + x.h})
	}
}

func (l *layouter) placePar(p *par, ax, top float64) {
	xs := make([]float64, len(p.branches))
	x := ax - p.total/2
	for i, br := range p.branches {
		xs[i] = x + br.colW/2
		x += br.colW + colGap
	}
	busY := top + splitY
	bodyTop := top + splitZone
	barTop := bodyTop + p.bodyH + dropZone
	l.sc.edge(false, pt{ax, top}, pt{ax, busY})
	l.sc.edge(false, pt{min(xs[0], ax), busY}, pt{max(xs[len(xs)-1], ax), busY})
	for i, br := range p.branches {
		cx := xs[i]
		l.sc.text(cx+labelDX, bodyTop-6, br.name, regular, szSmall, colMuted, false)
		label := shapeText(br.out)
		if br.body == nil {
			l.sc.edge(true, pt{cx, busY}, pt{cx, barTop})
		} else {
			l.sc.edge(arrowed(br.body), pt{cx, busY}, pt{cx, bodyTop + entry(br.body)})
			l.place(br.body, cx, bodyTop)
			l.sc.edge(true, pt{cx, bodyTop + br.body.h}, pt{cx, barTop})
		}
		l.sc.text(cx+labelDX, barTop-9, label, regular, szSmall, colMuted, false)
	}
	r := rect{ax - p.barW/2, barTop, p.barW, barH}
	st := palette[kMerge]
	l.sc.rect(zBox, r, 4, st.fill, st.stroke, 1)
	l.sc.text(ax, barTop+15, p.merge.title, bold, szTitle, st.text, true)
	for _, n := range p.merge.nodes {
		l.rects[n] = r
	}
}

func (l *layouter) placeBox(b *box, ax, top float64) {
	r := rect{ax - b.w/2, top, b.w, b.h}
	for _, n := range b.nodes {
		l.rects[n] = r
		l.listed[n] = b.list
	}
	st := palette[b.kind]
	if !b.list {
		radius, sw := boxRadius, 1.0
		if b.kind == kIO {
			radius, sw = b.h/2, 1.4
		}
		l.sc.rect(zBox, r, radius, st.fill, st.stroke, sw)
		l.sc.text(ax, top+boxPadY+12, b.title, bold, szTitle, st.text, true)
		if b.detail != "" {
			l.sc.text(ax, top+boxPadY+lhTitle+11, b.detail, regular, szText, st.text, true)
		}
		return
	}
	l.sc.rect(zBox, r, boxRadius, st.fill, st.stroke, 1.2)
	y := top + boxPadY
	x0 := r.x + boxPadX
	if b.title != "" {
		band := boxPadY + lhTitle + 2
		// The title band: rounded at the top, square where it meets the list.
		in := r.inset(0.6)
		l.sc.rect(zBox, rect{in.x, in.y, in.w, band}, boxRadius-0.6, colHeader, "", 0)
		l.sc.rect(zBox, rect{in.x, in.y + band/2, in.w, band / 2}, 0, colHeader, "", 0)
		l.sc.add(prim{z: zBox, kind: pLine, stroke: st.stroke, sw: 0.8, pts: []pt{{r.x, r.y + band + 0.4}, {r.x + r.w, r.y + band + 0.4}}})
		tx := x0 + l.sc.text(x0, y+12, b.title, bold, szTitle, colText, false)
		if b.sub != "" {
			l.sc.text(tx+6, y+12, b.sub, regular, szSmall, colMuted, false)
		}
		y += lhTitle + 6
	}
	for _, ln := range b.lines {
		base := y + 11
		ls := palette[ln.kind]
		if ln.kind == kBlock {
			ls.fill = colHeader
		}
		l.sc.rect(zBox, rect{x0, base - 8.5, swatch, swatch}, 2, ls.fill, ls.stroke, 0.8)
		// Spaces between the parts are advances, not characters: SVG renderers may
		// collapse a text's leading and trailing spaces.
		space := textWidth(regular, szText, " ")
		tx := x0 + swatch + swatchGap
		if ln.count > 1 {
			tx += l.sc.text(tx, base, fmt.Sprintf("%d ×", ln.count), regular, szText, colText, false) + space
		}
		tx += l.sc.text(tx, base, ln.head, bold, szText, colText, false)
		if ln.rest != "" {
			l.sc.text(tx+space, base, ln.rest, regular, szText, colText, false)
		}
		y += lhText
	}
	if b.foot != "" {
		l.sc.text(x0, y+12, b.foot, regular, szSmall, colMuted, false)
	}
}

// layout builds the scene of a view. fused lists groups of nodes to outline.
func layout(g *ir.Graph, root *seq, depth int, fused [][]*ir.Node) *scene {
	measure(root)
	for _, it := range root.items {
		if f, ok := it.(*frame); ok {
			stretch(f.body, f.w-2*framePad)
		}
	}
	sc := &scene{}
	l := &layouter{sc: sc, rects: map[*ir.Node]rect{}, listed: map[*ir.Node]bool{}}

	params, _, macs, _ := g.Totals()
	what := "every layer"
	if depth > 0 {
		what = fmt.Sprintf("depth %d", depth)
	}
	var ps []string
	for _, k := range slices.Sorted(maps.Keys(g.Params)) {
		ps = append(ps, k+"="+g.Params[k])
	}
	name := g.Name
	if len(ps) > 0 {
		name += " (" + strings.Join(ps, ", ") + ")"
	}
	sub := fmt.Sprintf("%s params · %s MACs per sample · %s", report.Commas(params), short(macs), what)
	capW := max(textWidth(bold, 15, name), textWidth(regular, szText, sub))

	sc.w = max(root.w, capW) + 2*margin
	sc.h = margin + captionH + root.h + margin
	sc.text(margin, margin+12, name, bold, 15, colText, false)
	sc.text(margin, margin+28, sub, regular, szText, colMuted, false)
	l.place(root, sc.w/2, margin+captionH)

	for _, group := range fused {
		var u rect
		ok := len(group) > 0
		for i, n := range group {
			r, shown := l.rects[n]
			if !shown || l.listed[n] {
				ok = false // inside a collapsed block: nothing to outline
				break
			}
			if i == 0 {
				u = r
			} else {
				u = u.union(r)
			}
		}
		if ok {
			sc.add(prim{z: zOutline, kind: pRect, r: u.inset(-4), radius: 8, stroke: colFused, sw: 1.5, dash: true})
		}
	}
	return sc
}
