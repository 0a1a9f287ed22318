package statedict

import (
	"slices"
	"strconv"
	"strings"
)

// Evidence from the two trees. A PyTorch module that holds submodules is one unit of the
// network (torchvision's downsample, a block, a stage), as a netc block instance or
// branch is. A pairing lines a PyTorch module up with a netc group when the module's
// layers, all of them under its path, are exactly the group's layers (the whole state
// dict and the whole spec always line up).
//
// When the order evidence (structure.go) leaves several pairings, a pairing that lines
// up every module another lines up, and more, is kept over that other. In the first
// block of torchvision's ResNet-50, conv3 with bn3 and downsample.0 with downsample.1
// have one pair of shapes: pairing downsample with netc's shortcut branch lines both
// downsample and the shortcut up, and the other way round lines up nothing the first
// does not. Pairings that each line up something the other does not (two branches of
// one shape, two submodules of one shape) are left to the order evidence, and stay
// an error naming the modules when it does not settle them.
//
// The rule takes a submodule to be a unit of the computation: a PyTorch model that
// nests the tail of one path in a submodule while a parallel path of the same layers
// lies loose beside it would be paired the tree's way.

// groupSets lists the sets of layers (indices into layers) that a netc group holds, and
// the whole spec's, keyed by setKey.
func groupSets(layers []Layer) map[string]bool {
	members := map[string][]int{}
	all := make([]int, len(layers))
	for i, l := range layers {
		all[i] = i
		for _, g := range l.Groups {
			members[g] = append(members[g], i)
		}
	}
	sets := map[string]bool{setKey(all): true}
	for _, ix := range members {
		sets[setKey(ix)] = true
	}
	return sets
}

// setKey names a sorted set of layer indices.
func setKey(ix []int) string {
	var b strings.Builder
	for i, x := range ix {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.Itoa(x))
	}
	return b.String()
}

// linedUp returns the PyTorch modules that pairs lines up with a netc group, each
// keyed by its path and the group's layers.
func linedUp(pairs map[int]*module, groups map[string]bool) []string {
	under := map[string][]int{} // module path -> the layers paired with modules at or under it
	for li, m := range pairs {
		for i := 0; i <= len(m.segs); i++ {
			node := nodeKey(m.segs[:i])
			under[node] = append(under[node], li)
		}
	}
	var out []string
	for node, ix := range under {
		slices.Sort(ix)
		if k := setKey(ix); groups[k] {
			out = append(out, node+"\x00"+k)
		}
	}
	return out
}

// treeKept returns the pairings that no other lines up more than: those whose lined-up
// modules are not a proper subset of another's. (Sets are bitsets: up to 2^maxUndecided
// pairings are compared pairwise.)
func treeKept(layers []Layer, pairings []map[int]*module) []map[int]*module {
	groups := groupSets(layers)
	index := map[string]int{}
	lined := make([][]string, len(pairings))
	for i, p := range pairings {
		lined[i] = linedUp(p, groups)
		for _, k := range lined[i] {
			if _, ok := index[k]; !ok {
				index[k] = len(index)
			}
		}
	}
	sets := make([]bitset, len(pairings))
	for i, ks := range lined {
		sets[i] = make(bitset, (len(index)+63)/64)
		for _, k := range ks {
			sets[i].add(index[k])
		}
	}
	var kept []map[int]*module
	for i := range pairings {
		beaten := false
		for j := range pairings {
			if len(lined[i]) < len(lined[j]) && sets[i].within(sets[j]) {
				beaten = true
				break
			}
		}
		if !beaten {
			kept = append(kept, pairings[i])
		}
	}
	return kept
}

type bitset []uint64

func (b bitset) add(i int) { b[i/64] |= 1 << (i % 64) }

// within tells whether every member of b is in c.
func (b bitset) within(c bitset) bool {
	for w := range b {
		if b[w]&^c[w] != 0 {
			return false
		}
	}
	return true
}
