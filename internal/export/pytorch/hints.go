package pytorch

import (
	"regexp"

	"github.com/netc/netc/compiler/ir"
)

var indexedName = regexp.MustCompile(`^([A-Za-z_][A-Za-z0-9_]*)\[(\d+)\]$`)

// hint is the spec's expression for attr of n, when it names a parameter: "c" gives c,
// "c2[1]" gives c2_1; anything else gives "". The generated constructor takes the
// parameter under that name (out = "c" makes a parameter c).
func hint(n *ir.Node, attr string) string {
	src := n.Exprs[attr]
	if identRE.MatchString(src) {
		return src
	}
	if m := indexedName.FindStringSubmatch(src); m != nil {
		return m[1] + "_" + m[2]
	}
	return ""
}
