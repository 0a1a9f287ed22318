package load

import (
	"fmt"
	"math"

	"github.com/netc/netc/compiler/internal/diag"
)

// nonFinite reports every nan and inf the document holds. TOML allows them, but no spec
// key means anything by them, and the schema validator cannot compare them with its
// bounds (it converts numbers to exact rationals), so they stop at the loader.
func (d *Doc) nonFinite() diag.List {
	var out diag.List
	var walk func(n *Node)
	walk = func(n *Node) {
		switch n.Kind {
		case Float:
			if math.IsNaN(n.Float) || math.IsInf(n.Float, 0) {
				out = append(out, diag.Diagnostic{Pos: n.Pos, Path: d.DisplayPath(n.Path),
					Msg: fmt.Sprintf("expected a finite number, found %s", tomlFloat(n.Float))})
			}
		case Table:
			for _, k := range n.Keys {
				walk(n.Fields[k])
			}
		case Array:
			for _, it := range n.Items {
				walk(it)
			}
		}
	}
	walk(d.Root)
	return out.Sorted()
}

// tomlFloat spells a non-finite float as TOML writes it: nan, inf, -inf.
func tomlFloat(f float64) string {
	switch {
	case math.IsNaN(f):
		return "nan"
	case math.IsInf(f, 1):
		return "inf"
	case math.IsInf(f, -1):
		return "-inf"
	}
	return fmt.Sprint(f)
}
