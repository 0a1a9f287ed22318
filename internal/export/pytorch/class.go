package pytorch

import (
	"slices"

	"github.com/netc/netc/compiler/ir"
)

// class is one Python class: it builds every instance (unit) of a spec block. The units
// are unified child by child, matched by name: a child that only some instances have is
// built under a condition (a has_... parameter), and an argument on which the instances
// disagree becomes a constructor parameter (see params.go). Instances that cannot be
// unified (a child of the same name that is a conv in one and a pool in another) get a
// class of their own, numbered: Residual, Residual2.
type class struct {
	name     string
	block    string // "" for the network
	units    []*unit
	parallel bool
	body     []*centry
	branches []*cbranch
	merge    ir.Op // the merge of the units that have one
	after    []*centry
	params   []*param
	variants int // how many classes the block has
}

// cbranch is one branch of a parallel class.
type cbranch struct {
	name  string
	per   []*ubranch // per unit; nil where the unit lacks the branch
	items []*centry
	cond  string // Python condition under which it exists; "" for always
}

// centry is one child of a class, with what each unit has under that name.
type centry struct {
	name  string
	per   []*entry // per unit; nil where absent
	fn    string   // a layer's constructor
	child *class   // or a block's class
	cond  string
	args  []string // rendered arguments
}

// unify builds one class for units, or reports that they differ in kind.
func unify(units []*unit) (*class, bool) {
	c := &class{units: units, block: units[0].block, parallel: units[0].parallel}
	all := make([]bool, len(units))
	for i, u := range units {
		if u.parallel != c.parallel {
			return nil, false
		}
		all[i] = true
	}
	var ok bool
	if c.body, ok = unifyEntries(perUnit(units, func(u *unit) []*entry { return u.body }), all); !ok {
		return nil, false
	}
	if c.after, ok = unifyEntries(perUnit(units, func(u *unit) []*entry { return u.after }), all); !ok {
		return nil, false
	}
	names := make([][]string, len(units))
	for i, u := range units {
		for _, br := range u.branches {
			names[i] = append(names[i], br.name)
		}
		if u.merge != "" {
			if c.merge != "" && c.merge != u.merge {
				return nil, false
			}
			c.merge = u.merge
		}
	}
	order, ok := mergeOrder(names)
	if !ok {
		return nil, false
	}
	for _, name := range order {
		cb := &cbranch{name: name, per: make([]*ubranch, len(units))}
		lists := make([][]*entry, len(units))
		present := make([]bool, len(units))
		for i, u := range units {
			for _, br := range u.branches {
				if br.name == name {
					cb.per[i], lists[i], present[i] = br, br.items, true
				}
			}
		}
		if cb.items, ok = unifyEntries(lists, present); !ok {
			return nil, false
		}
		c.branches = append(c.branches, cb)
	}
	return c, true
}

func perUnit(units []*unit, f func(*unit) []*entry) [][]*entry {
	out := make([][]*entry, len(units))
	for i, u := range units {
		out[i] = f(u)
	}
	return out
}

// unifyEntries matches the children of several units by name, keeping the order all of
// them write (a child only some have goes where they have it).
func unifyEntries(lists [][]*entry, present []bool) ([]*centry, bool) {
	names := make([][]string, len(lists))
	for i, l := range lists {
		for _, e := range l {
			names[i] = append(names[i], e.name)
		}
	}
	order, ok := mergeOrder(names)
	if !ok {
		return nil, false
	}
	var out []*centry
	for _, name := range order {
		ce := &centry{name: name, per: make([]*entry, len(lists))}
		var first *entry
		for i, l := range lists {
			if !present[i] {
				continue
			}
			for _, e := range l {
				if e.name != name {
					continue
				}
				ce.per[i] = e
				if first == nil {
					first = e
				} else if !compatible(first, e) {
					return nil, false
				}
			}
		}
		if first.child != nil {
			ce.child = first.child.class
		} else {
			ce.fn = first.fn
		}
		out = append(out, ce)
	}
	return out, true
}

// compatible: the same layer type with the same keywords, or the same block class.
func compatible(a, b *entry) bool {
	if a.child != nil || b.child != nil {
		return a.child != nil && b.child != nil && a.child.class == b.child.class
	}
	if a.fn != b.fn || len(a.slots) != len(b.slots) {
		return false
	}
	for i := range a.slots {
		if a.slots[i].kw != b.slots[i].kw {
			return false
		}
	}
	return true
}

// mergeOrder merges name lists into one that keeps every list's order, or fails when
// two lists order two names differently.
func mergeOrder(lists [][]string) ([]string, bool) {
	var out []string
	for _, l := range lists {
		var ok bool
		if out, ok = merge2(out, l); !ok {
			return nil, false
		}
	}
	return out, true
}

func merge2(a, b []string) ([]string, bool) {
	var out []string
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		switch {
		case i < len(a) && j < len(b) && a[i] == b[j]:
			out = append(out, a[i])
			i++
			j++
		case i < len(a) && !slices.Contains(b[j:], a[i]):
			out = append(out, a[i])
			i++
		case j < len(b) && !slices.Contains(a[i:], b[j]):
			out = append(out, b[j])
			j++
		default:
			return nil, false
		}
	}
	return out, true
}

// partition splits a block's units into as few classes as unify allows, first come first
// served: the common case is one class.
func partition(units []*unit) []*class {
	var groups [][]*unit
	var classes []*class
next:
	for _, u := range units {
		for gi, grp := range groups {
			if c, ok := unify(append(slices.Clone(grp), u)); ok {
				groups[gi] = append(grp, u)
				classes[gi] = c
				continue next
			}
		}
		c, ok := unify([]*unit{u})
		if !ok {
			panic("pytorch: a unit does not unify with itself")
		}
		groups = append(groups, []*unit{u})
		classes = append(classes, c)
	}
	return classes
}

// blockOrder lists the blocks so that each comes after every block used inside it.
func blockOrder(units []*unit) []string {
	deps := map[string][]string{}
	var names []string
	for _, u := range units {
		if _, seen := deps[u.block]; !seen {
			names = append(names, u.block)
			deps[u.block] = nil
		}
		for _, list := range [][]*entry{u.body, u.after} {
			for _, e := range list {
				if e.child != nil {
					deps[u.block] = append(deps[u.block], e.child.block)
				}
			}
		}
		for _, br := range u.branches {
			for _, e := range br.items {
				if e.child != nil {
					deps[u.block] = append(deps[u.block], e.child.block)
				}
			}
		}
	}
	var order []string
	done := map[string]bool{}
	var visit func(string)
	visit = func(b string) {
		if done[b] {
			return
		}
		done[b] = true // blocks do not recurse (the expander refuses), so no cycle check
		for _, d := range deps[b] {
			visit(d)
		}
		order = append(order, b)
	}
	for _, b := range names {
		visit(b)
	}
	return order
}
