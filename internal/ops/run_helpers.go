package ops

import "github.com/netc/netc/compiler/ir"

// channels splits a per-sample shape into channels and positions: C x H x W is C and
// H*W, a flat F is F and 1.
func channels(s ir.Shape) (c, hw int) {
	if len(s) == 3 {
		return s[0], s[1] * s[2]
	}
	return s[0], 1
}
