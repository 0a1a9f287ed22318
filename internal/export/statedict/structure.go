package statedict

import (
	"fmt"
	"slices"
	"sort"
	"strings"
)

// Pairing by structure. Layers of the spec and modules of the state dict fall into
// classes by family and shapes (modules.go); within a class the n-th module, in the
// state dict's order, takes the n-th layer in the spec's execution order. The state
// dict's order of two modules is the order of the sibling modules their paths diverge
// at, told by
//   - the file, when it keeps the order of registration (torch.save);
//   - else their names, when those number them (nameOrder);
//   - else structure: each way of ordering the undecided siblings is tried, and the ways
//     that make the fewest modules run out of their turn are kept (a module's layers
//     should run together, not interleaved with a sibling's, and not before those of a
//     sibling its name or the file puts earlier): ResNet's stem bn1 is placed before
//     layer1 because the other way its BatchNorm would run inside layer1.
// When the kept ways pair some layer differently, the module tree decides where it lines
// up one way's modules with netc's groups and more (tree.go); when it does not, the
// pairing is ambiguous: that is an error naming the modules in question, never a guess. When the file's order and the
// names disagree, that is an error too.

// maxUndecided bounds the ways tried (2^maxUndecided).
const maxUndecided = 12

type solver struct {
	mods    []*module
	ordered bool
	first   map[string]int // node path -> first file position of a module at or under it
	own     map[string]int // module path -> file position of its own first tensor
	vars    map[string]int // undecided sibling pair -> bit
	varList []string
}

func newSolver(mods []*module, ordered bool) *solver {
	s := &solver{mods: mods, ordered: ordered, first: map[string]int{}, own: map[string]int{}, vars: map[string]int{}}
	for _, m := range mods {
		s.own[m.path] = m.order
		for i := 0; i <= len(m.segs); i++ {
			node := nodeKey(m.segs[:i])
			if f, ok := s.first[node]; !ok || m.order < f {
				s.first[node] = m.order
			}
		}
	}
	return s
}

func nodeKey(segs []string) string { return strings.Join(segs, ".") }

// diverge returns the parent and the two children at which paths a and b part; a child
// is "" when the path ends there (a module's own tensors beside its submodules).
func diverge(a, b []string) (parent []string, ca, cb string) {
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	if i < len(a) {
		ca = a[i]
	}
	if i < len(b) {
		cb = b[i]
	}
	return a[:i], ca, cb
}

// siblingOrder is what the evidence says of children ca and cb of parent: -1, 1, or 0
// when it says nothing. conflict is set when the file and the names disagree.
func (s *solver) siblingOrder(parent []string, ca, cb string) (order int, conflict bool) {
	byName := nameOrder(ca, cb)
	if s.ordered {
		fa, fb := s.first[nodeKey(append(slices.Clip(parent), ca))], s.first[nodeKey(append(slices.Clip(parent), cb))]
		if ca == "" {
			fa = s.own[nodeKey(parent)]
		}
		if cb == "" {
			fb = s.own[nodeKey(parent)]
		}
		byFile := -1
		if fb < fa {
			byFile = 1
		}
		return byFile, byName != 0 && byName != byFile
	}
	return byName, false
}

func varKey(parent []string, ca, cb string) (string, bool) {
	flip := ca > cb
	if flip {
		ca, cb = cb, ca
	}
	return nodeKey(parent) + "\x00" + ca + "\x00" + cb, flip
}

// compare orders two modules of one class under one assignment of the undecided pairs.
func (s *solver) compare(a, b *module, assign uint) int {
	parent, ca, cb := diverge(a.segs, b.segs)
	if o, _ := s.siblingOrder(parent, ca, cb); o != 0 {
		return o
	}
	k, flip := varKey(parent, ca, cb)
	o := -1
	if assign>>s.vars[k]&1 == 1 {
		o = 1
	}
	if flip {
		o = -o
	}
	return o
}

// undecided collects the sibling pairs whose order matters (they hold modules of one
// class) and that nothing settles; and the pairs where file and names disagree.
func (s *solver) undecided(classes map[string][]*module) (conflicts []string) {
	seen := map[string]bool{}
	for _, c := range sortedClassKeys(classes) {
		ms := classes[c]
		for i := range ms {
			for j := i + 1; j < len(ms); j++ {
				parent, ca, cb := diverge(ms[i].segs, ms[j].segs)
				o, conflict := s.siblingOrder(parent, ca, cb)
				k, _ := varKey(parent, ca, cb)
				if conflict && !seen[k] {
					seen[k] = true
					conflicts = append(conflicts, fmt.Sprintf("the file has %s before %s, their names say otherwise", siblingName(parent, ca, cb, o < 0), siblingName(parent, ca, cb, o > 0)))
				}
				if o == 0 {
					if _, ok := s.vars[k]; !ok {
						s.vars[k] = len(s.varList)
						s.varList = append(s.varList, k)
					}
				}
			}
		}
	}
	return conflicts
}

func siblingName(parent []string, ca, cb string, first bool) string {
	c := cb
	if first {
		c = ca
	}
	if c == "" {
		return displayPath(nodeKey(parent)) + "'s own tensors"
	}
	return nodeKey(append(slices.Clip(parent), c))
}

// sortClass orders a class's modules under assign, or reports that assign orders them
// in a cycle.
func (s *solver) sortClass(ms []*module, assign uint) ([]*module, bool) {
	out := slices.Clone(ms)
	sort.SliceStable(out, func(i, j int) bool { return s.compare(out[i], out[j], assign) < 0 })
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if s.compare(out[i], out[j], assign) > 0 {
				return nil, false
			}
		}
	}
	return out, true
}

// penalty counts siblings that run out of their turn when module m runs at position
// pos[m] of the spec.
func (s *solver) penalty(pos map[*module]int) int {
	type span struct{ lo, hi int }
	spans := map[string]*span{}
	children := map[string][]string{} // parent -> child names, "" for its own tensors
	for _, m := range s.mods {
		p, ok := pos[m]
		if !ok {
			continue
		}
		for i := 0; i <= len(m.segs); i++ {
			node := nodeKey(m.segs[:i])
			child := ""
			if i < len(m.segs) {
				child = m.segs[i]
			}
			own := node + "\x00" + child
			if sp := spans[own]; sp == nil {
				spans[own] = &span{p, p}
				children[node] = append(children[node], child)
			} else {
				sp.lo, sp.hi = min(sp.lo, p), max(sp.hi, p)
			}
		}
	}
	bad := 0
	for parent, cs := range children {
		var segs []string
		if parent != "" {
			segs = strings.Split(parent, ".")
		}
		for i, a := range cs {
			for _, b := range cs[i+1:] {
				sa, sb := spans[parent+"\x00"+a], spans[parent+"\x00"+b]
				o, _ := s.siblingOrder(segs, a, b)
				switch {
				case o < 0 && sa.hi > sb.lo, o > 0 && sb.hi > sa.lo:
					bad++
				case o == 0 && !(sa.hi < sb.lo || sb.hi < sa.lo):
					bad++
				}
			}
		}
	}
	return bad
}

func sortedClassKeys[T any](m map[string][]T) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// solve pairs each class's layers (indices into layers, in execution order) with its
// modules. fixed holds pairs already made (by --map rules).
func (s *solver) solve(layers []Layer, specClasses map[string][]int, classes map[string][]*module, fixed map[int]*module) (map[int]*module, []string, bool) {
	if conflicts := s.undecided(classes); conflicts != nil {
		return nil, append(conflicts, "the pairing cannot rely on either: give the layers in question with --map"), true
	}
	if len(s.varList) > maxUndecided {
		var pairs []string
		for _, k := range s.varList[:4] {
			f := strings.Split(k, "\x00")
			pairs = append(pairs, fmt.Sprintf("%s and %s", siblingName(splitNode(f[0]), f[1], f[2], true), siblingName(splitNode(f[0]), f[1], f[2], false)))
		}
		return nil, []string{fmt.Sprintf("the order of %d pairs of modules with tensors of equal shapes is not settled by the file or their names (%s, ...): import the torch.save checkpoint, which keeps the modules' order, or give the layers with --map", len(s.varList), strings.Join(pairs, "; "))}, true
	}
	type candidate struct {
		pairs map[int]*module
		bad   int
	}
	var best []candidate
	bestBad := -1
	for assign := uint(0); assign < 1<<len(s.varList); assign++ {
		pairs := map[int]*module{}
		pos := map[*module]int{}
		for i, m := range fixed {
			pairs[i], pos[m] = m, i
		}
		ok := true
		for _, c := range sortedClassKeys(classes) {
			ms, consistent := s.sortClass(classes[c], assign)
			if !consistent {
				ok = false
				break
			}
			for n, li := range specClasses[c] {
				pairs[li], pos[ms[n]] = ms[n], li
			}
		}
		if !ok {
			continue
		}
		bad := 0
		if len(s.varList) > 0 {
			bad = s.penalty(pos)
		}
		switch {
		case bestBad < 0 || bad < bestBad:
			best, bestBad = []candidate{{pairs, bad}}, bad
		case bad == bestBad:
			best = append(best, candidate{pairs, bad})
		}
	}
	if len(best) == 0 {
		return nil, []string{"no order of the modules is consistent with their names"}, false
	}
	kept := make([]map[int]*module, len(best))
	for i, c := range best {
		kept[i] = c.pairs
	}
	if !samePairing(kept) {
		kept = treeKept(layers, kept)
	}
	var either []string
	for _, other := range kept[1:] {
		named := map[*module]bool{}
		for li := range layers {
			a, b := kept[0][li], other[li]
			if a != nil && b != nil && a != b && !named[a] {
				named[a], named[b] = true, true
				either = append(either, fmt.Sprintf("%s (%s) could be PyTorch's %s or %s", layers[li].Name, specClass(layers[li]), displayPath(a.path), displayPath(b.path)))
			}
		}
		if either != nil {
			break
		}
	}
	if either != nil {
		return nil, append(either, "nothing in the file settles which: their names do not number them, and the layers around them and the module tree fit either way; import the torch.save checkpoint, which keeps the modules' order, or give these layers with --map"), true
	}
	return kept[0], nil, false
}

// samePairing tells whether the pairings all pair every layer with one module.
func samePairing(pairings []map[int]*module) bool {
	for _, p := range pairings[1:] {
		for li, m := range pairings[0] {
			if p[li] != m {
				return false
			}
		}
	}
	return true
}

func splitNode(k string) []string {
	if k == "" {
		return nil
	}
	return strings.Split(k, ".")
}
