package plan

import (
	"fmt"
	"strings"
)

// String renders the step graph one call per line, as `netc plan --passes` shows it:
//
//	conv1  conv+relu  input -> relu1
//	p2.conv2  conv+relu  p2.relu1 -> p2.relu2 @inception1+64
//
// "@root+c" says the output lives c channels into root's storage; "@root" that it is
// root's storage itself (in place, or an alias).
func (g *Graph) String() string {
	var b strings.Builder
	for _, s := range g.Calls {
		if s.Dead {
			continue
		}
		op := string(s.Op)
		if s.Act != "" {
			op += "+" + string(s.Act)
		}
		if s.FoldBN != "" {
			op += "+batchnorm"
		}
		if s.PreBN != "" {
			pre := "batchnorm+"
			if s.PreAct != "" {
				pre += string(s.PreAct) + "+"
			}
			op = pre + op
		}
		if s.Residual {
			op += "+add"
		}
		if s.Alias {
			op += " (alias)"
		}
		var ins []string
		for i, in := range s.In {
			name := g.Tensors[in].Name
			if s.Copy != nil && !s.Copy[i] {
				name += " (in place)"
			}
			ins = append(ins, name)
		}
		fmt.Fprintf(&b, "%s  %s  %s -> %s%s\n", s.Name, op, strings.Join(ins, ", "), g.Tensors[s.Out].Name, g.storage(s.Out))
	}
	return b.String()
}

func (g *Graph) storage(id int) string {
	root, off := g.rootOf(id)
	if root == id {
		return ""
	}
	if off == 0 {
		return " @" + g.Tensors[root].Name
	}
	return fmt.Sprintf(" @%s+%d", g.Tensors[root].Name, off)
}
