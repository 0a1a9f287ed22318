// Package statedict maps a PyTorch state dict onto a spec's parameter names, for
// `netc import --from pytorch`.
//
// A state dict written by the module that `netc export --format pytorch` generates
// already uses netc's names: it is matched by name. Any other (the book's nn.Sequential
// definitions, torchvision's models, a user's own) is matched by structure
// (structure.go): modules fall into classes by what they are (conv or linear, batchnorm,
// layernorm, layer scale) and the shapes of their tensors, and within a class the
// modules, in the state dict's order, take the spec's layers in execution order. The
// state dict's order comes from the file where it keeps one (torch.save keeps the order
// of registration), from names that number modules, and from structure; what order
// leaves open, the module tree may settle (tree.go); where none settles it, the import
// fails naming the modules in question, and --map rules (rules.go) say what structure
// cannot. Every tensor's shape is checked.
package statedict

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/netc/netc/compiler/ir"
	"github.com/netc/netc/tensorio"
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
	Groups  []string // the block instances and branches it is in, outermost first
}

// Layers lists g's layers with parameters, in execution order.
func Layers(g *ir.Graph) []Layer {
	var out []Layer
	for _, n := range g.Nodes {
		if n.Op == ir.OpInput {
			continue
		}
		if ts := n.Tensors(g.InputShape(n)); len(ts) > 0 {
			out = append(out, Layer{Name: n.Name, Kind: string(n.Op), Tensors: ts, Groups: n.Scope})
		}
	}
	return out
}

// Pair is one tensor's mapping.
type Pair struct {
	From, To string
	Shape    []int
}

// Result is a state dict under netc's names.
type Result struct {
	Tensors []tensorio.Tensor
	By      string // name or structure
	Pairs   []Pair // in the spec's order
}

// Error lists every tensor that does not fit.
type Error struct {
	By        string
	Problems  []string
	Ambiguous bool // it fits more than one way
}

func (e *Error) Error() string {
	what := "the state dict does not fit the spec"
	if e.Ambiguous {
		what = "the state dict fits the spec more than one way"
	}
	return fmt.Sprintf("%s (matched by %s):\n  %s", what, e.By, strings.Join(e.Problems, "\n  "))
}

// Map renames a state dict's tensors to the spec's parameter names, by name or by
// structure (see the package comment), checking every shape. src's order is not relied
// on.
func Map(g *ir.Graph, src []tensorio.Tensor, how string) (*Result, error) {
	return MapSource(g, &Source{Tensors: src}, how, nil)
}

// MapSource is Map for a state dict as Load read it, whose order pairing may rely on,
// with rules that pair layers by hand (nil for none; rules imply matching by structure).
func MapSource(g *ir.Graph, source *Source, how string, rules []Rule) (*Result, error) {
	layers := Layers(g)
	src := source.Tensors
	if rules != nil && how == Auto {
		how = Structure
	}
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
	return byStructure(layers, source, rules)
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
				res.Pairs = append(res.Pairs, Pair{name, name, want.Shape})
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

func byStructure(layers []Layer, src *Source, rules []Rule) (*Result, error) {
	mods, problems := modules(src.Tensors)
	fixed, ruleProblems := applyRules(rules, layers, mods)
	problems = append(problems, ruleProblems...)
	used := map[*module]bool{}
	for _, m := range fixed {
		used[m] = true
	}
	specClasses := map[string][]int{}
	for i, l := range layers {
		if fixed[i] == nil {
			c := specClass(l)
			specClasses[c] = append(specClasses[c], i)
		}
	}
	classes := map[string][]*module{}
	for _, m := range mods {
		if !used[m] {
			classes[m.class] = append(classes[m.class], m)
		}
	}
	// Counts first: a layer too many or too few explains the rest.
	var counts []string
	for _, c := range sortedClassKeys(mergeKeys(specClasses, classes)) {
		want, have := len(specClasses[c]), len(classes[c])
		if want == have {
			continue
		}
		var names []string
		for _, li := range specClasses[c] {
			names = append(names, layers[li].Name)
		}
		var paths []string
		for _, m := range classes[c] {
			paths = append(paths, displayPath(m.path))
		}
		counts = append(counts, fmt.Sprintf("%s: the spec has %d (%s), the state dict %d (%s)", c, want, list(names), have, list(paths)))
		delete(specClasses, c)
		delete(classes, c)
	}
	if counts != nil || problems != nil {
		return nil, &Error{By: Structure, Problems: append(counts, problems...)}
	}
	s := newSolver(mods, src.Ordered)
	pairs, unsettled, ambiguous := s.solve(layers, specClasses, classes, fixed)
	if unsettled != nil {
		return nil, &Error{By: Structure, Problems: unsettled, Ambiguous: ambiguous}
	}
	res := &Result{By: Structure}
	for i, l := range layers {
		problems = append(problems, take(l, pairs[i], res)...)
	}
	if problems != nil {
		return nil, &Error{By: Structure, Problems: problems}
	}
	return res, nil
}

func mergeKeys[A, B any](a map[string][]A, b map[string][]B) map[string][]struct{} {
	out := map[string][]struct{}{}
	for k := range a {
		out[k] = nil
	}
	for k := range b {
		out[k] = nil
	}
	return out
}

func sortedKeys(m map[string]tensorio.Tensor) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// list joins names for a message, eliding past eight.
func list(names []string) string {
	if len(names) == 0 {
		return "none"
	}
	if len(names) > 8 {
		return strings.Join(names[:8], ", ") + fmt.Sprintf(", ... %d more", len(names)-8)
	}
	return strings.Join(names, ", ")
}
