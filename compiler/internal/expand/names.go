package expand

import (
	"strconv"

	"github.com/netc/netc/compiler/internal/ast"
)

// counter names the layers of one list. A layer is called after its op or block (or its
// written name); the name gets a number when the list has more than one entry of that
// kind or the entry repeats: conv1, conv2 in a two-conv branch, but just `flatten` when
// there is one, so that b3.inception1.p2.conv2 reads as "the second conv of branch p2 of
// the first inception of b3". Activations added by `act` count as entries of their own.
// A layer switched off by its condition still takes its number, so a name does not
// depend on whether an earlier sibling exists in this instance.
type counter struct {
	counts map[string]int
	shared map[string]bool
}

func newCounter(layers []*ast.Layer) counter {
	seen := map[string]int{}
	shared := map[string]bool{}
	for _, l := range layers {
		base := baseName(l)
		seen[base]++
		if l.Repeat != nil || l.For != nil {
			shared[base] = true
		}
		for _, a := range l.Args {
			if a.Key == "act" && a.Node != nil {
				seen[a.Node.Str]++
			}
		}
	}
	for base, n := range seen {
		if n > 1 {
			shared[base] = true
		}
	}
	return counter{counts: map[string]int{}, shared: shared}
}

func (c counter) next(base string) string {
	c.counts[base]++
	if !c.shared[base] && c.counts[base] == 1 {
		return base
	}
	if last := base[len(base)-1]; last >= '0' && last <= '9' {
		return base + "_" + strconv.Itoa(c.counts[base]) // relu6_2, not relu62
	}
	return base + strconv.Itoa(c.counts[base])
}

func baseName(l *ast.Layer) string {
	switch {
	case l.Name != "":
		return l.Name
	case l.Op != "":
		return l.Op
	}
	return l.Use
}

func join(prefix, name string) string {
	if prefix == "" {
		return name
	}
	return prefix + "." + name
}
