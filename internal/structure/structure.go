// Package structure recovers the block structure of a compiled graph: which nodes belong
// to which block instance, the branches of parallel blocks (empty ones included, which have
// no nodes and are the identity) and the node that merges them.
//
// The spec language builds series-parallel graphs: a sequence of layers, where a layer is
// an op or a block, and a parallel block runs its branches on one input and merges them.
// Build reads that tree back from the nodes' scopes and checks every edge of the graph
// against it, so a drawing or a rewritten spec made from the tree has exactly the graph's
// edges. Drawings (internal/draw) and `netc expand` (internal/unfold) both start here.
package structure

import (
	"fmt"
	"slices"
	"strings"

	"github.com/netc/netc/compiler/ir"
)

// Item is one entry of a sequence: an *Op or a *Block.
type Item interface{ isItem() }

// Op is one node of the graph.
type Op struct{ Node *ir.Node }

// Block is a block instance. A sequential block has Body; a parallel one has Branches,
// Merge (nil when a condition left a single branch, which then needs no merge) and After.
type Block struct {
	Group    *ir.Group // nil for the root
	Level    int       // 1 for a block used at the top level, 0 for the root
	Body     []Item
	Branches []*Branch
	Merge    *ir.Node
	After    []Item

	In, Out int // IDs of the node the block reads and of its output
}

// Branch is one path of a parallel block. An empty Body is the identity.
type Branch struct {
	Group *ir.Group
	Name  string // the branch's own name (p1, shortcut)
	Body  []Item
	Out   int // ID of the branch's output: its last node, or the block's input
}

func (*Op) isItem()    {}
func (*Block) isItem() {}

// Parallel reports whether b has branches.
func (b *Block) Parallel() bool { return len(b.Branches) > 0 }

// Path is the block's hierarchical name ("" for the root).
func (b *Block) Path() string {
	if b.Group == nil {
		return ""
	}
	return b.Group.Path
}

// Tree is the structure of a graph: the root block holds the top-level layers.
type Tree struct {
	Graph *ir.Graph
	Root  *Block
}

// Build reads the structure of g. It fails only if g is not the series-parallel graph
// that its scopes describe, which the expander never produces.
func Build(g *ir.Graph) (*Tree, error) {
	if len(g.Nodes) == 0 || g.Nodes[0].Op != ir.OpInput {
		return nil, fmt.Errorf("structure: the graph has no input node")
	}
	root := &Block{}
	stack := []*container{{block: root}}
	for _, n := range g.Nodes[1:] {
		// Leave the groups n is not in, enter the ones it is in.
		keep := 1
		for keep < len(stack) && keep-1 < len(n.Scope) && stack[keep].path() == n.Scope[keep-1] {
			keep++
		}
		stack = stack[:keep]
		for _, path := range n.Scope[keep-1:] {
			top := stack[len(stack)-1]
			gr := g.Groups[path]
			if gr == nil {
				return nil, fmt.Errorf("structure: node %s is in group %q, which the graph does not list", n.Name, path)
			}
			if gr.Block == "" {
				if top.branch != nil || top.block.Merge != nil || len(top.block.Body) > 0 {
					return nil, fmt.Errorf("structure: branch %q is not directly inside a parallel block", path)
				}
				br := &Branch{Group: gr, Name: path[strings.LastIndex(path, ".")+1:]}
				top.block.Branches = append(top.block.Branches, br)
				stack = append(stack, &container{block: top.block, branch: br})
				continue
			}
			b := &Block{Group: gr, Level: top.block.Level + 1}
			if err := top.add(b); err != nil {
				return nil, err
			}
			stack = append(stack, &container{block: b})
		}
		top := stack[len(stack)-1]
		if top.branch == nil && top.block.Group != nil && n.Name == top.block.Group.Path && n.Op.IsMerge() {
			if top.block.Merge != nil || len(top.block.Body) > 0 {
				return nil, fmt.Errorf("structure: merge node %s does not follow branches", n.Name)
			}
			top.block.Merge = n
			continue
		}
		if err := top.add(&Op{Node: n}); err != nil {
			return nil, err
		}
	}
	t := &Tree{Graph: g, Root: root}
	addEmptyBranches(g, root)
	if _, err := t.check(root, 0); err != nil {
		return nil, err
	}
	return t, nil
}

// container is a block or one of its branches, while Build fills it.
type container struct {
	block  *Block
	branch *Branch
}

func (c *container) path() string {
	if c.branch != nil {
		return c.branch.Group.Path
	}
	return c.block.Path()
}

func (c *container) add(it Item) error {
	switch {
	case c.branch != nil:
		c.branch.Body = append(c.branch.Body, it)
	case c.block.Merge != nil:
		c.block.After = append(c.block.After, it)
	case len(c.block.Branches) > 0:
		if len(c.block.Branches) > 1 {
			return fmt.Errorf("structure: %s follows the branches of %s but no merge does", describe(it), c.block.Path())
		}
		// One branch left by a condition: nothing merges it, the rest is `after`.
		c.block.After = append(c.block.After, it)
	default:
		c.block.Body = append(c.block.Body, it)
	}
	return nil
}

func describe(it Item) string {
	switch x := it.(type) {
	case *Op:
		return "node " + x.Node.Name
	case *Block:
		return "block " + x.Path()
	}
	return "?"
}

// addEmptyBranches inserts the branches that have no nodes (the identity), in the order
// the spec writes them: the graph lists them as groups, but no node names them.
func addEmptyBranches(g *ir.Graph, b *Block) {
	if b.Group != nil {
		var all []*ir.Group
		prefix := b.Group.Path + "."
		for path, gr := range g.Groups {
			if gr.Block == "" && strings.HasPrefix(path, prefix) && !strings.Contains(path[len(prefix):], ".") {
				all = append(all, gr)
			}
		}
		if len(all) > len(b.Branches) {
			slices.SortFunc(all, func(x, y *ir.Group) int {
				switch {
				case x.Pos.Before(y.Pos):
					return -1
				case y.Pos.Before(x.Pos):
					return 1
				}
				return strings.Compare(x.Path, y.Path)
			})
			have := map[string]*Branch{}
			for _, br := range b.Branches {
				have[br.Group.Path] = br
			}
			var out []*Branch
			for _, gr := range all {
				br := have[gr.Path]
				if br == nil {
					br = &Branch{Group: gr, Name: gr.Path[len(prefix):]}
				}
				out = append(out, br)
			}
			if len(b.Branches) == 0 {
				// Every branch was empty: what Build took for the body is `after`.
				b.After, b.Body = b.Body, nil
			}
			b.Branches = out
		}
	}
	for _, list := range [][]Item{b.Body, b.After} {
		for _, it := range list {
			if sub, ok := it.(*Block); ok {
				addEmptyBranches(g, sub)
			}
		}
	}
	for _, br := range b.Branches {
		for _, it := range br.Body {
			if sub, ok := it.(*Block); ok {
				addEmptyBranches(g, sub)
			}
		}
	}
}

// check walks the tree from input, verifying each node's inputs against the structure, and
// fills in the blocks' and branches' In and Out. It returns the output node's ID.
func (t *Tree) check(b *Block, in int) (int, error) {
	b.In = in
	var err error
	if !b.Parallel() {
		b.Out, err = t.checkSeq(b.Body, in)
		return b.Out, err
	}
	var outs []int
	for _, br := range b.Branches {
		if br.Out, err = t.checkSeq(br.Body, in); err != nil {
			return 0, err
		}
		outs = append(outs, br.Out)
	}
	cur := outs[0]
	if b.Merge != nil {
		if !slices.Equal(b.Merge.Inputs, outs) {
			return 0, fmt.Errorf("structure: %s merges %v, but its branches end in %v", b.Merge.Name, t.names(b.Merge.Inputs), t.names(outs))
		}
		cur = b.Merge.ID
	} else if len(outs) > 1 {
		return 0, fmt.Errorf("structure: block %s has %d branches and no merge", b.Path(), len(outs))
	}
	b.Out, err = t.checkSeq(b.After, cur)
	return b.Out, err
}

func (t *Tree) checkSeq(items []Item, in int) (int, error) {
	cur := in
	for _, it := range items {
		switch x := it.(type) {
		case *Op:
			if !slices.Equal(x.Node.Inputs, []int{cur}) {
				return 0, fmt.Errorf("structure: %s reads %v, but follows %s", x.Node.Name, t.names(x.Node.Inputs), t.Graph.Nodes[cur].Name)
			}
			cur = x.Node.ID
		case *Block:
			out, err := t.check(x, cur)
			if err != nil {
				return 0, err
			}
			cur = out
		}
	}
	return cur, nil
}

func (t *Tree) names(ids []int) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = t.Graph.Nodes[id].Name
	}
	return out
}

// Local is the last part of a hierarchical name relative to its enclosing path:
// Local("b3.inception1.p2.conv1", "b3.inception1.p2") is "conv1".
func Local(name, enclosing string) string {
	if enclosing == "" {
		return name
	}
	return strings.TrimPrefix(name, enclosing+".")
}

// Nodes lists the nodes inside items, in order, merges included.
func Nodes(items []Item) []*ir.Node {
	var out []*ir.Node
	var walk func([]Item)
	walk = func(items []Item) {
		for _, it := range items {
			switch x := it.(type) {
			case *Op:
				out = append(out, x.Node)
			case *Block:
				walk(x.Body)
				for _, br := range x.Branches {
					walk(br.Body)
				}
				if x.Merge != nil {
					out = append(out, x.Merge)
				}
				walk(x.After)
			}
		}
	}
	walk(items)
	return out
}
