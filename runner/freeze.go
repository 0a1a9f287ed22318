package runner

import (
	"fmt"
	"sort"
	"strings"
)

// MatchesPrefix says whether a parameter name lies under prefix, a hierarchical name
// given whole segment by segment: "stem" matches "stem.conv.weight" and "b1" matches
// "b1.conv.weight" but not "b10.conv.weight". A prefix may also name one parameter.
func MatchesPrefix(name, prefix string) bool {
	prefix = strings.TrimSuffix(prefix, ".")
	return name == prefix || strings.HasPrefix(name, prefix+".")
}

// Freeze marks every trainable parameter under one of the prefixes as frozen and returns
// their names. A prefix that matches no trainable parameter is an error naming it, with
// the top-level names that exist.
func (ps *Params) Freeze(prefixes []string) ([]string, error) {
	var frozen, unmatched []string
	for _, pre := range prefixes {
		n := 0
		for _, p := range ps.List {
			if p.Trainable && MatchesPrefix(p.Name, pre) {
				if !p.Frozen {
					frozen = append(frozen, p.Name)
				}
				p.Frozen = true
				n++
			}
		}
		if n == 0 {
			unmatched = append(unmatched, fmt.Sprintf("%q", pre))
		}
	}
	if len(unmatched) > 0 {
		return nil, fmt.Errorf("--freeze %s matches no trainable parameter; the network's top-level names are %s",
			strings.Join(unmatched, ", "), strings.Join(ps.topLevel(), ", "))
	}
	return frozen, nil
}

func (ps *Params) topLevel() []string {
	seen := map[string]bool{}
	var out []string
	for _, p := range ps.List {
		top, _, _ := strings.Cut(p.Name, ".")
		if p.Trainable && !seen[top] {
			seen[top] = true
			out = append(out, top)
		}
	}
	sort.Strings(out)
	return out
}

// allFrozen says whether a layer's weight-gradient work can be skipped: every parameter
// it has (nil ones aside) is frozen.
func allFrozen(ps ...*Param) bool {
	for _, p := range ps {
		if p != nil && !p.Frozen {
			return false
		}
	}
	return true
}
