package pytorch

import (
	"fmt"
	"strings"

	"github.com/netc/netc/compiler/ir"
	"github.com/netc/netc/internal/structure"
)

// unit is one block instance (or the whole network) as the code that builds it: its
// layers, each a constructor call with this instance's literal arguments.
type unit struct {
	block    string // the spec's block name; "" for the network
	path     string // b3.inception1; "" for the network
	in       ir.Shape
	parallel bool
	body     []*entry // a sequential block's layers
	branches []*ubranch
	merge    ir.Op // concat or add; "" when one branch is left and nothing merges
	after    []*entry

	class *class  // the class that builds it, set by unification
	args  []value // its arguments to that class, one per class parameter
}

type ubranch struct {
	name  string
	items []*entry
}

// entry is one child of a module: a PyTorch layer for a node, or a block instance.
type entry struct {
	name  string   // the child's name: the last segment of its netc path
	node  *ir.Node // a layer
	fn    string   // its constructor, nn.Conv2d
	slots []slot   // its arguments
	child *unit    // or a block instance
}

// builder turns the structure tree into units.
type builder struct {
	g     *ir.Graph
	hints func(n *ir.Node, attr string) string
	all   []*unit // every block instance, in order of first appearance
}

func (b *builder) unit(blk *structure.Block) (*unit, error) {
	u := &unit{path: blk.Path(), in: b.g.Nodes[blk.In].Shape, parallel: blk.Parallel()}
	if blk.Group != nil {
		u.block = blk.Group.Block
	}
	var err error
	if u.body, err = b.entries(blk.Body, u.path); err != nil {
		return nil, err
	}
	for _, br := range blk.Branches {
		if err := checkSegment(br.Name, br.Group.Path); err != nil {
			return nil, err
		}
		items, err := b.entries(br.Body, br.Group.Path)
		if err != nil {
			return nil, err
		}
		u.branches = append(u.branches, &ubranch{name: br.Name, items: items})
	}
	if blk.Merge != nil {
		u.merge = blk.Merge.Op
	}
	if u.after, err = b.entries(blk.After, u.path); err != nil {
		return nil, err
	}
	if blk.Group != nil {
		b.all = append(b.all, u)
	}
	return u, nil
}

func (b *builder) entries(items []structure.Item, enclosing string) ([]*entry, error) {
	var out []*entry
	for _, it := range items {
		switch x := it.(type) {
		case *structure.Op:
			n := x.Node
			e := &entry{name: structure.Local(n.Name, enclosing), node: n}
			if err := checkLocal(e.name, n.Name); err != nil {
				return nil, err
			}
			var err error
			e.fn, e.slots, err = leafCall(b.g, n, func(attr string) string { return b.hints(n, attr) })
			if err != nil {
				return nil, err
			}
			out = append(out, e)
		case *structure.Block:
			e := &entry{name: structure.Local(x.Path(), enclosing)}
			if err := checkLocal(e.name, x.Path()); err != nil {
				return nil, err
			}
			child, err := b.unit(x)
			if err != nil {
				return nil, err
			}
			e.child = child
			out = append(out, e)
		}
	}
	return out, nil
}

func checkLocal(local, full string) error {
	if strings.Contains(local, ".") {
		return fmt.Errorf("%s: expected one name below its block, found %q", full, local)
	}
	return checkSegment(local, full)
}
