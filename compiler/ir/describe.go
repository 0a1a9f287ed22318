package ir

import (
	"fmt"
	"strings"
)

// Describe gives a node's key attributes in a compact form, e.g. "96, 11x11 /4 pad 1"
// for a conv: the op's own description when it has one, otherwise the attributes that
// differ from their defaults.
func (n *Node) Describe() string {
	s := Lookup(n.Op)
	if s == nil {
		return ""
	}
	if s.Describe != nil {
		return s.Describe(n)
	}
	var parts []string
	for i := range s.Attrs {
		as := &s.Attrs[i]
		if as.Field == nil || as.IsDefault(&n.Attrs) {
			continue
		}
		parts = append(parts, as.Name+" "+attrText(as.Get(&n.Attrs)))
	}
	return strings.Join(parts, " ")
}

func attrText(v any) string {
	switch v := v.(type) {
	case [2]int:
		if v[0] == v[1] {
			return fmt.Sprint(v[0])
		}
		return fmt.Sprintf("%dx%d", v[0], v[1])
	case float64:
		return fmt.Sprintf("%g", v)
	}
	return fmt.Sprint(v)
}
