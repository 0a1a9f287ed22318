// Package statedict maps a PyTorch state dict onto a spec's parameter names, for
// `netc import --from pytorch`.
//
// A state dict written by the module that `netc export --format pytorch` generates
// already uses netc's names: it is matched by name. Any other (the book's own
// nn.Sequential definitions, torchvision's models) is matched by structure: its tensors
// are grouped into layers by module path, each layer's kind is read from its tensors
// (running statistics: batchnorm; a 4-D weight: conv; a 2-D weight: linear), the
// layers are put in the order of their paths with numbers compared as numbers (the
// order in which nn.Sequential and most models register, and so run, their layers),
// and the n-th conv of the state dict becomes the n-th conv of the spec in execution
// order, and likewise for linear and batchnorm layers. Matching kind by kind makes the
// order of a module's attributes irrelevant when they are of different kinds (the book's
// Residual registers conv1, conv2, conv3, bn1, bn2). Every tensor's shape is checked,
// and every one that does not fit is reported with the expected and the found shape.
package statedict

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/netc/netc/compiler/ir"
	"github.com/netc/netc/runner/tensorio"
)

// How a state dict is matched.
const (
	Auto      = "auto"      // by name when most names are netc's, else by structure
	ByName    = "name"      // names must be netc's
	Structure = "structure" // by kind and order
)

// Layer is one layer of the spec with parameters.
type Layer struct {
	Name    string
	Kind    string // conv, linear or batchnorm
	Tensors []ir.Tensor
}

// Layers lists g's layers with parameters, in execution order.
func Layers(g *ir.Graph) []Layer {
	var out []Layer
	for _, n := range g.Nodes {
		if n.Op == ir.OpInput {
			continue
		}
		if ts := n.Tensors(g.InputShape(n)); len(ts) > 0 {
			out = append(out, Layer{Name: n.Name, Kind: string(n.Op), Tensors: ts})
		}
	}
	return out
}

// Pair is one tensor's mapping.
type Pair struct{ From, To string }

// Result is a state dict under netc's names.
type Result struct {
	Tensors []tensorio.Tensor
	By      string // name or structure
	Pairs   []Pair // in the spec's order
}

// Error lists every tensor that does not fit.
type Error struct {
	By       string
	Problems []string
}

func (e *Error) Error() string {
	return fmt.Sprintf("the state dict does not fit the spec (matched by %s):\n  %s", e.By, strings.Join(e.Problems, "\n  "))
}

// Map renames a state dict's tensors to the spec's parameter names, by name or by
// structure (see the package comment), checking every shape.
func Map(g *ir.Graph, src []tensorio.Tensor, how string) (*Result, error) {
	layers := Layers(g)
	switch how {
	case Auto:
		how = Structure
		known := map[string]bool{}
		for _, l := range layers {
			for _, t := range l.Tensors {
				known[t.FullName(l.Name)] = true
			}
		}
		hits := 0
		for _, t := range src {
			if known[t.Name] {
				hits++
			}
		}
		if 2*hits >= len(src) && hits > 0 {
			how = ByName
		}
	case ByName, Structure:
	default:
		return nil, fmt.Errorf("unknown matching %q: expected auto, name or structure", how)
	}
	if how == ByName {
		return byName(layers, src)
	}
	return byStructure(layers, src)
}

func byName(layers []Layer, src []tensorio.Tensor) (*Result, error) {
	have := map[string]tensorio.Tensor{}
	for _, t := range src {
		have[t.Name] = t
	}
	res := &Result{By: ByName}
	var problems []string
	used := map[string]bool{}
	for _, l := range layers {
		for _, want := range l.Tensors {
			name := want.FullName(l.Name)
			t, ok := have[name]
			used[name] = true
			switch {
			case !ok:
				problems = append(problems, fmt.Sprintf("%s: missing (expected shape %v)", name, want.Shape))
			case !slices.Equal(t.Shape, want.Shape):
				problems = append(problems, fmt.Sprintf("%s: expected shape %v, found %v", name, want.Shape, t.Shape))
			default:
				res.Tensors = append(res.Tensors, t)
				res.Pairs = append(res.Pairs, Pair{name, name})
			}
		}
	}
	for _, t := range src {
		if !used[t.Name] {
			problems = append(problems, fmt.Sprintf("%s %v: the spec has no such parameter", t.Name, t.Shape))
		}
	}
	if problems != nil {
		return nil, &Error{By: ByName, Problems: problems}
	}
	return res, nil
}

// module is one layer of the state dict: the tensors under one path.
type module struct {
	path    string
	kind    string
	tensors map[string]tensorio.Tensor // by suffix: weight, bias, running_mean, running_var
}

func byStructure(layers []Layer, src []tensorio.Tensor) (*Result, error) {
	mods, problems := modules(src)
	res := &Result{By: Structure}
	byKind := map[string][]*module{}
	for _, m := range mods {
		byKind[m.kind] = append(byKind[m.kind], m)
	}
	next := map[string]int{}
	for _, l := range layers {
		i := next[l.Kind]
		next[l.Kind]++
		if i >= len(byKind[l.Kind]) {
			continue // counted below
		}
		m := byKind[l.Kind][i]
		for _, want := range l.Tensors {
			name := want.FullName(l.Name)
			t, ok := m.tensors[want.Suffix]
			from := m.path + "." + want.Suffix
			switch {
			case !ok:
				problems = append(problems, fmt.Sprintf("%s: missing: the state dict's %s %s has no %s (expected shape %v)", name, l.Kind, m.path, want.Suffix, want.Shape))
			case !slices.Equal(t.Shape, want.Shape):
				problems = append(problems, fmt.Sprintf("%s: expected shape %v, found %v (PyTorch's %s)", name, want.Shape, t.Shape, from))
			default:
				res.Tensors = append(res.Tensors, tensorio.Tensor{Name: name, Shape: t.Shape, Data: t.Data})
				res.Pairs = append(res.Pairs, Pair{from, name})
			}
			delete(m.tensors, want.Suffix)
		}
		for _, suffix := range sortedKeys(m.tensors) {
			problems = append(problems, fmt.Sprintf("%s.%s %v: %s has no such tensor", m.path, suffix, m.tensors[suffix].Shape, l.Name))
		}
	}
	// Counts first: when they differ, the shape errors after the first extra or missing
	// layer only follow from it.
	var counts []string
	for _, kind := range []string{"conv", "linear", "batchnorm"} {
		if want, have := next[kind], len(byKind[kind]); want != have {
			extra := ""
			if have > want {
				var paths []string
				for _, m := range byKind[kind][want:] {
					paths = append(paths, m.path)
				}
				extra = "; left over: " + strings.Join(paths, ", ")
			}
			counts = append(counts, fmt.Sprintf("the spec has %d %s layers, the state dict %d%s", want, kind, have, extra))
		}
	}
	problems = append(counts, problems...)
	if problems != nil {
		return nil, &Error{By: Structure, Problems: problems}
	}
	return res, nil
}

// modules groups tensors by module path, tells each module's kind and sorts them by
// path, numbers compared as numbers.
func modules(src []tensorio.Tensor) ([]*module, []string) {
	byPath := map[string]*module{}
	var problems []string
	for _, t := range src {
		path, suffix := "", t.Name
		if i := strings.LastIndex(t.Name, "."); i >= 0 {
			path, suffix = t.Name[:i], t.Name[i+1:]
		}
		m := byPath[path]
		if m == nil {
			m = &module{path: path, tensors: map[string]tensorio.Tensor{}}
			byPath[path] = m
		}
		m.tensors[suffix] = t
	}
	var mods []*module
	for _, m := range byPath {
		w, hasW := m.tensors["weight"]
		_, stats := m.tensors["running_mean"]
		switch {
		case stats || (hasW && len(w.Shape) == 1):
			m.kind = "batchnorm"
		case hasW && len(w.Shape) == 4:
			m.kind = "conv"
		case hasW && len(w.Shape) == 2:
			m.kind = "linear"
		default:
			var names []string
			for _, s := range sortedKeys(m.tensors) {
				names = append(names, fmt.Sprintf("%s %v", s, m.tensors[s].Shape))
			}
			problems = append(problems, fmt.Sprintf("%s: cannot tell a conv, linear or batchnorm layer from its tensors (%s)", m.path, strings.Join(names, ", ")))
			continue
		}
		mods = append(mods, m)
	}
	sort.Slice(mods, func(i, j int) bool { return naturalLess(mods[i].path, mods[j].path) })
	return mods, problems
}

func sortedKeys(m map[string]tensorio.Tensor) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
