package draw

import "github.com/netc/netc/compiler/ir"

// Labels returns every text a drawing of g at depth shows (box titles and lines, frame
// titles, shapes).
func Labels(g *ir.Graph, depth int) ([]string, error) {
	root, err := viewOf(g, depth)
	if err != nil {
		return nil, err
	}
	sc := layout(g, root, depth, nil)
	var out []string
	for _, p := range sc.prims {
		if p.kind == pText {
			out = append(out, p.s)
		}
	}
	return out, nil
}
