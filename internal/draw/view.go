package draw

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/netc/netc/compiler/ir"
	"github.com/netc/netc/internal/structure"
)

// The view is what a drawing shows at a given depth: boxes, frames around open blocks,
// parallel sections and the order they come in. Every output format is made from it; SVG
// and PNG lay it out (layout.go), DOT and Mermaid leave that to their tools.

type item interface{ isView() }

// box is one drawn box: an op (with the activation that follows it folded in), a collapsed
// block listing what it contains, the input or the output.
type box struct {
	id     string
	kind   kind
	title  string // bold first line
	sub    string // grey, after the title (a collapsed block's block name)
	detail string // second line of an op box: its attributes
	lines  []line // a collapsed block's contents
	foot   string // grey last line: parameters and MACs
	nodes  []*ir.Node
	out    ir.Shape // what leaves the box
	list   bool     // a list box (left-aligned lines) rather than an op box

	// set by layout
	w, h float64
}

// line is one entry of a list box.
type line struct {
	kind  kind
	count int // consecutive equal entries, shown as "2 ×"
	head  string
	rest  string
}

// seq is a sequence of items, top to bottom.
type seq struct {
	items []item

	w, h float64
}

// par is a parallel section: branches side by side, merged by a bar.
type par struct {
	branches []*branch
	merge    *box // kind kMerge; title is "concat" or "add"
	in       ir.Shape

	w, h, total, barW, bodyH float64
}

// branch is one column of a par; a nil body is the identity.
type branch struct {
	name string
	body *seq
	out  ir.Shape

	colW float64
}

// frame is an open block (or a collapsed parallel one, whose branches stay visible).
type frame struct {
	id        string
	title     string
	sub       string
	level     int
	collapsed bool
	body      *seq

	w, h, titleW float64
}

func (*box) isView()   {}
func (*seq) isView()   {}
func (*par) isView()   {}
func (*frame) isView() {}

// viewer builds the view of one tree.
type viewer struct {
	g         *ir.Graph
	depth     int
	consumers [][]int
	ids       int
}

func (v *viewer) nextID(prefix string) string {
	v.ids++
	return prefix + strconv.Itoa(v.ids)
}

// build returns the whole drawing's sequence: input, layers, output.
func buildView(t *structure.Tree, depth int) *seq {
	v := &viewer{g: t.Graph, depth: depth, consumers: t.Graph.Consumers()}
	in := t.Graph.Nodes[0]
	root := &seq{}
	root.items = append(root.items, &box{id: v.nextID("n"), kind: kIO, title: "input", detail: shapeText(in.Shape), nodes: []*ir.Node{in}, out: in.Shape})
	root.items = append(root.items, v.items(t.Root.Body, "")...)
	out := t.Graph.Output()
	detail := shapeText(out.Shape)
	if len(out.Shape) == 1 && out.Shape[0] == t.Graph.Classes {
		detail = fmt.Sprintf("%d classes", t.Graph.Classes)
	}
	root.items = append(root.items, &box{id: v.nextID("n"), kind: kIO, title: "output", detail: detail})
	return root
}

// foldedAct returns the activation that directly follows op item i and can be drawn in
// its box (conv + relu), or nil.
func (v *viewer) foldedAct(list []structure.Item, i int) *ir.Node {
	op, ok := list[i].(*structure.Op)
	if !ok || i+1 >= len(list) {
		return nil
	}
	if s := ir.Lookup(op.Node.Op); s == nil || !s.TakesAct() {
		return nil
	}
	next, ok := list[i+1].(*structure.Op)
	if !ok || !next.Node.Op.IsActivation() || len(v.consumers[op.Node.ID]) != 1 {
		return nil
	}
	return next.Node
}

// items turns a list of the tree into view items; enclosing is the path the names in
// list are relative to.
func (v *viewer) items(list []structure.Item, enclosing string) []item {
	var out []item
	for i := 0; i < len(list); i++ {
		switch x := list[i].(type) {
		case *structure.Op:
			act := v.foldedAct(list, i)
			out = append(out, v.opBox(x.Node, act))
			if act != nil {
				i++
			}
		case *structure.Block:
			if v.depth > 0 && x.Level >= v.depth {
				out = append(out, v.collapsed(x, enclosing))
			} else {
				out = append(out, v.open(x, enclosing))
			}
		}
	}
	return out
}

func (v *viewer) opBox(n, act *ir.Node) *box {
	b := &box{id: v.nextID("n"), kind: opKind(n.Op), title: string(n.Op), detail: n.Describe(), nodes: []*ir.Node{n}, out: n.Shape}
	if n.Op.IsMerge() {
		b.detail = ""
	}
	if act != nil {
		b.title += " + " + string(act.Op)
		b.nodes = append(b.nodes, act)
		b.out = act.Shape
	}
	return b
}

// titles returns the title of a block instance (its name in the enclosing block) and,
// when that does not already say it, the block it instantiates.
func titles(blk *structure.Block, enclosing string) (title, sub string) {
	title = structure.Local(blk.Path(), enclosing)
	name := blk.Group.Block
	rest, ok := strings.CutPrefix(title, name)
	if ok && strings.Trim(rest, "0123456789") == "" {
		return title, ""
	}
	return title, name
}

// open draws a block as a frame around its contents.
func (v *viewer) open(blk *structure.Block, enclosing string) item {
	title, sub := titles(blk, enclosing)
	return &frame{id: v.nextID("f"), title: title, sub: sub, level: blk.Level, body: v.content(blk, false)}
}

// content is what is inside a block's frame. Collapsed parallel blocks keep their branches
// side by side, each reduced to one list box.
func (v *viewer) content(blk *structure.Block, collapsed bool) *seq {
	path := blk.Path()
	list := func(items []structure.Item, enclosing string) []item {
		if !collapsed {
			return v.items(items, enclosing)
		}
		if b := v.listBox(items); b != nil {
			return []item{b}
		}
		return nil
	}
	s := &seq{}
	switch {
	case !blk.Parallel():
		s.items = v.items(blk.Body, path)
	case blk.Merge == nil:
		// A condition left one branch: it runs in sequence with what follows.
		br := blk.Branches[0]
		s.items = append(list(br.Body, br.Group.Path), list(blk.After, path)...)
	default:
		p := &par{in: v.g.Nodes[blk.In].Shape}
		for _, br := range blk.Branches {
			pb := &branch{name: br.Name, out: v.g.Nodes[br.Out].Shape}
			if len(br.Body) > 0 {
				pb.body = &seq{items: list(br.Body, br.Group.Path)}
			}
			p.branches = append(p.branches, pb)
		}
		p.merge = &box{id: v.nextID("n"), kind: kMerge, title: string(blk.Merge.Op), nodes: []*ir.Node{blk.Merge}, out: blk.Merge.Shape}
		s.items = append([]item{p}, list(blk.After, path)...)
	}
	return s
}

// collapsed draws a block at the depth limit: one box listing its contents, or for a
// parallel block a frame in which each branch is one such box.
func (v *viewer) collapsed(blk *structure.Block, enclosing string) item {
	title, sub := titles(blk, enclosing)
	if blk.Parallel() && blk.Merge != nil {
		return &frame{id: v.nextID("f"), title: title, sub: sub, level: blk.Level, collapsed: true, body: v.content(blk, true)}
	}
	return v.blockBox(blk, title, sub)
}

// blockBox is the box of a collapsed sequential block: its name, one line per op or
// inner block, and its parameters and MACs.
func (v *viewer) blockBox(blk *structure.Block, title, sub string) *box {
	nodes := structure.Nodes([]structure.Item{blk})
	return &box{id: v.nextID("n"), kind: kBlock, list: true, title: title, sub: sub,
		lines: v.lines(contents(blk)), nodes: nodes, out: v.g.Nodes[blk.Out].Shape, foot: cost(nodes)}
}

// parentPath drops the last part of a hierarchical name.
func parentPath(path string) string {
	if i := strings.LastIndex(path, "."); i >= 0 {
		return path[:i]
	}
	return ""
}

// contents is a sequential view of a block's items (a parallel block with one branch
// left is its branch followed by `after`).
func contents(blk *structure.Block) []structure.Item {
	if !blk.Parallel() {
		return blk.Body
	}
	return append(append([]structure.Item(nil), blk.Branches[0].Body...), blk.After...)
}

// maxLines bounds a list box; the rest is summarised as "… N more".
const maxLines = 10

// listBox summarises items as one box: a single op stays an op box, anything longer
// becomes a list of its ops and blocks. It returns nil for no items.
func (v *viewer) listBox(items []structure.Item) *box {
	if len(items) == 0 {
		return nil
	}
	if blk, ok := items[0].(*structure.Block); ok && len(items) == 1 && (!blk.Parallel() || blk.Merge == nil) {
		// One sequential block (a shortcut's projection): its own box, named.
		title, sub := titles(blk, parentPath(blk.Path()))
		return v.blockBox(blk, title, sub)
	}
	nodes := structure.Nodes(items)
	if op, ok := items[0].(*structure.Op); ok && (len(items) == 1 || len(items) == 2 && v.foldedAct(items, 0) != nil) {
		return v.opBox(op.Node, v.foldedAct(items, 0))
	}
	return &box{id: v.nextID("n"), kind: kBlock, list: true, nodes: nodes, out: nodes[len(nodes)-1].Shape, lines: v.lines(items)}
}

// lines lists items one per line, folding activations into their op and runs of equal
// entries into one ("2 × conv + relu 512, 3x3 pad 1").
func (v *viewer) lines(items []structure.Item) []line {
	var out []line
	for i := 0; i < len(items); i++ {
		var l line
		switch x := items[i].(type) {
		case *structure.Op:
			act := v.foldedAct(items, i)
			ob := v.opBox(x.Node, act)
			l = line{kind: ob.kind, head: ob.title, rest: ob.detail}
			if act != nil {
				i++
			}
		case *structure.Block:
			l = line{kind: kBlock, head: x.Group.Block}
		}
		l.count = 1
		if n := len(out); n > 0 && out[n-1].kind == l.kind && out[n-1].head == l.head && out[n-1].rest == l.rest {
			out[n-1].count++
			continue
		}
		out = append(out, l)
	}
	if len(out) > maxLines {
		more := len(out) - (maxLines - 1)
		out = append(out[:maxLines-1], line{kind: kOther, head: "…", rest: fmt.Sprintf("%d more", more)})
	}
	return out
}

// cost is a collapsed block's footer: its parameters and MACs.
func cost(nodes []*ir.Node) string {
	var params, macs int64
	for _, n := range nodes {
		params += n.Params
		macs += n.MACs
	}
	var parts []string
	if params > 0 {
		parts = append(parts, short(params)+" params")
	}
	if macs > 0 {
		parts = append(parts, short(macs)+" MACs")
	}
	return strings.Join(parts, " · ")
}

// short writes a count with three significant digits: 163.7k, 23.5M, 1.82G.
func short(n int64) string {
	x := float64(n)
	for _, u := range []struct {
		div  float64
		unit string
	}{{1e9, "G"}, {1e6, "M"}, {1e3, "k"}} {
		if x >= u.div {
			v := x / u.div
			switch {
			case v >= 100:
				return fmt.Sprintf("%.0f%s", v, u.unit)
			case v >= 10:
				return fmt.Sprintf("%.1f%s", v, u.unit)
			}
			return fmt.Sprintf("%.2f%s", v, u.unit)
		}
	}
	return strconv.FormatInt(n, 10)
}

// shapeText writes a shape as 64×24×24.
func shapeText(s ir.Shape) string {
	parts := make([]string, len(s))
	for i, d := range s {
		parts[i] = strconv.Itoa(d)
	}
	return strings.Join(parts, "×")
}

// vedge is an edge between two boxes of the view, with the shape it carries.
type vedge struct {
	from, to *box
	shape    ir.Shape
}

// connections lists the view's edges, top to bottom: DOT and Mermaid draw them, SVG and
// PNG draw the same ones along the layout's axes.
func connections(root *seq) []vedge {
	var out []vedge
	var into func(src *box, it item) *box
	into = func(src *box, it item) *box {
		switch x := it.(type) {
		case *box:
			if src != nil {
				out = append(out, vedge{src, x, src.out})
			}
			return x
		case *seq:
			cur := src
			for _, sub := range x.items {
				cur = into(cur, sub)
			}
			return cur
		case *frame:
			return into(src, x.body)
		case *par:
			for _, br := range x.branches {
				last := src
				if br.body != nil {
					last = into(src, br.body)
				}
				out = append(out, vedge{last, x.merge, last.out})
			}
			return x.merge
		}
		return src
	}
	into(nil, root)
	return out
}
