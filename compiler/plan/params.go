package plan

import "github.com/netc/netc/compiler/ir"

// ParamsOf lists the parameters and running statistics of g's layers in the order of
// the layers: what any plan of g binds, named and shaped as its steps name them, known
// without planning.
func ParamsOf(g *ir.Graph) []Param {
	var ps []Param
	for _, n := range g.Nodes[1:] {
		if len(n.Inputs) == 0 {
			continue
		}
		for _, t := range n.Tensors(g.InputShape(n)) {
			ps = append(ps, param(n, t))
		}
	}
	return ps
}
