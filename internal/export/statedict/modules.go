package statedict

import (
	"fmt"
	"slices"
	"strings"

	"github.com/netc/netc/tensorio"
)

// module is one module of the state dict: the tensors directly under one path.
type module struct {
	path    string
	segs    []string // path split at dots; nil for the root
	order   int      // where its first tensor is in the file
	family  string   // dense (conv or linear), batchnorm, layernorm or scale
	class   string   // family and shapes: modules of one class are interchangeable by shape
	tensors map[string]tensorio.Tensor
}

// modules groups tensors by module path (in file order) and tells each module's family
// and class from its tensors; it lists the modules it cannot tell.
func modules(src []tensorio.Tensor) ([]*module, []string) {
	byPath := map[string]*module{}
	var mods []*module
	for i, t := range src {
		path, suffix := "", t.Name
		if j := strings.LastIndex(t.Name, "."); j >= 0 {
			path, suffix = t.Name[:j], t.Name[j+1:]
		}
		m := byPath[path]
		if m == nil {
			m = &module{path: path, order: i, tensors: map[string]tensorio.Tensor{}}
			if path != "" {
				m.segs = strings.Split(path, ".")
			}
			byPath[path] = m
			mods = append(mods, m)
		}
		m.tensors[suffix] = t
	}
	var out []*module
	var problems []string
	for _, m := range mods {
		if m.family, m.class = sourceClass(m.tensors); m.family == "" {
			var names []string
			for _, s := range sortedKeys(m.tensors) {
				names = append(names, fmt.Sprintf("%s %v", s, m.tensors[s].Shape))
			}
			problems = append(problems, fmt.Sprintf("%s: cannot tell a conv, linear, batchnorm, layernorm or scale from its tensors (%s)", displayPath(m.path), list(names)))
			continue
		}
		out = append(out, m)
	}
	return out, problems
}

func displayPath(p string) string {
	if p == "" {
		return "(the top module)"
	}
	return p
}

// sourceClass reads a module's family from its tensors' names and shapes.
func sourceClass(ts map[string]tensorio.Tensor) (family, class string) {
	w, hasW := ts["weight"]
	b, hasB := ts["bias"]
	mean, hasMean := ts["running_mean"]
	switch {
	case hasMean:
		return "batchnorm", fmt.Sprintf("batchnorm %v", mean.Shape)
	case hasW && len(w.Shape) >= 2 && (!hasB || len(b.Shape) == 1) && len(ts) <= 2:
		return "dense", denseClass(w.Shape, hasB)
	case hasW && len(w.Shape) == 1 && hasB && len(ts) == 2:
		return "layernorm", fmt.Sprintf("layernorm %v", w.Shape)
	case len(ts) == 1 && !hasB:
		for _, t := range ts { // a lone parameter: ConvNeXt's layer_scale
			return "scale", fmt.Sprintf("scale %d", len(t.Data))
		}
	}
	return "", ""
}

// denseClass: a 1x1 convolution and a linear layer of the same sizes are one class, since
// a torchvision Linear applied to channels-last features (ConvNeXt's) is netc's 1x1 conv.
func denseClass(weight []int, bias bool) string {
	w := weight
	if len(w) == 4 && w[2] == 1 && w[3] == 1 {
		w = w[:2]
	}
	if bias {
		return fmt.Sprintf("dense %v with bias", w)
	}
	return fmt.Sprintf("dense %v", w)
}

// specClass is sourceClass for a layer of the spec.
func specClass(l Layer) string {
	switch l.Kind {
	case "conv", "linear":
		return denseClass(l.Tensors[0].Shape, len(l.Tensors) > 1)
	case "batchnorm", "layernorm":
		return fmt.Sprintf("%s %v", l.Kind, l.Tensors[0].Shape)
	case "scale":
		n := 1
		for _, d := range l.Tensors[0].Shape {
			n *= d
		}
		return fmt.Sprintf("scale %d", n)
	}
	return l.Kind
}

// take pairs a module's tensors with a layer's, checking every shape; a tensor may take
// another shape of the same size only where the class allows it (a linear weight for a
// 1x1 conv's, a layer scale of any shape).
func take(l Layer, m *module, res *Result) []string {
	var problems []string
	left := map[string]bool{}
	for s := range m.tensors {
		left[s] = true
	}
	for _, want := range l.Tensors {
		name := want.FullName(l.Name)
		suffix := want.Suffix
		if l.Kind == "scale" {
			for s := range m.tensors {
				suffix = s
			}
		}
		from := joinKey(m.path, suffix)
		t, ok := m.tensors[suffix]
		delete(left, suffix)
		switch {
		case !ok:
			problems = append(problems, fmt.Sprintf("%s: missing: PyTorch's %s has no %s (expected shape %v)", name, displayPath(m.path), suffix, want.Shape))
		case !slices.Equal(t.Shape, want.Shape) && !(m.class == specClass(l) && len(t.Data) == size(want.Shape)):
			problems = append(problems, fmt.Sprintf("%s: expected shape %v, found %v (PyTorch's %s)", name, want.Shape, t.Shape, from))
		default:
			res.Tensors = append(res.Tensors, tensorio.Tensor{Name: name, Shape: want.Shape, Data: t.Data})
			res.Pairs = append(res.Pairs, Pair{From: from, To: name, Shape: want.Shape})
		}
	}
	for _, s := range sortedKeys(m.tensors) {
		if left[s] {
			problems = append(problems, fmt.Sprintf("%s %v: %s has no such tensor", joinKey(m.path, s), m.tensors[s].Shape, l.Name))
		}
	}
	return problems
}

func joinKey(path, suffix string) string {
	if path == "" {
		return suffix
	}
	return path + "." + suffix
}

func size(shape []int) int {
	n := 1
	for _, d := range shape {
		n *= d
	}
	return n
}
