package pytorch

import (
	"fmt"
	"strings"

	"github.com/netc/netc/compiler/ir"
	"github.com/netc/netc/internal/ops"
)

const indent = "    "

// write renders the class as Python. A sequential block is an nn.Sequential of its
// children; a parallel one an nn.Module whose forward runs the branches on one input,
// merges them and applies the layers after the merge.
func (c *class) write(w *strings.Builder, g *ir.Graph, source string) {
	base := "nn.Sequential"
	if c.parallel {
		base = "nn.Module"
	}
	fmt.Fprintf(w, "class %s(%s):\n", c.name, base)
	c.writeDoc(w, g, source)
	fmt.Fprintf(w, "\n%sdef __init__(%s):\n", indent, c.signature())
	if !c.parallel {
		if len(c.body) == 0 {
			fmt.Fprintf(w, "%[1]s%[1]ssuper().__init__()\n", indent)
			return
		}
		fmt.Fprintf(w, "%[1]s%[1]ssuper().__init__(layers(\n", indent)
		for _, ce := range c.body {
			fmt.Fprintf(w, "%s%s=%s,\n", strings.Repeat(indent, 3), ce.name, ce.call())
		}
		fmt.Fprintf(w, "%[1]s%[1]s))\n", indent)
		return
	}
	in2 := strings.Repeat(indent, 2)
	fmt.Fprintf(w, "%ssuper().__init__()\n", in2)
	for _, cb := range c.branches {
		fmt.Fprintf(w, "%sself.%s = %s\n", in2, cb.name, cb.call())
	}
	for _, ce := range c.after {
		fmt.Fprintf(w, "%sself.%s = %s\n", in2, ce.name, ce.call())
	}
	fmt.Fprintf(w, "\n%sdef forward(self, x):\n", indent)
	fmt.Fprintf(w, "%sx = %s\n", in2, c.mergeExpr())
	for _, ce := range c.after {
		if ce.cond != "" {
			fmt.Fprintf(w, "%sif self.%s is not None:\n%s%s", in2, ce.name, in2, indent)
		}
		fmt.Fprintf(w, "%sx = self.%s(x)\n", in2, ce.name)
	}
	fmt.Fprintf(w, "%sreturn x\n", in2)
}

// call is the constructor call of a child, under its condition.
func (ce *centry) call() string {
	fn := ce.fn
	if ce.child != nil {
		fn = ce.child.name
	}
	s := fmt.Sprintf("%s(%s)", fn, strings.Join(ce.args, ", "))
	if ce.cond != "" {
		s += " if " + ce.cond + " else None"
	}
	return s
}

// call builds a branch: its layers in sequence, under their netc names.
func (cb *cbranch) call() string {
	var b strings.Builder
	b.WriteString("seq(")
	for i, ce := range cb.items {
		if i == 0 {
			b.WriteString("\n")
		}
		fmt.Fprintf(&b, "%s%s=%s,\n", strings.Repeat(indent, 3), ce.name, ce.call())
	}
	if len(cb.items) > 0 {
		b.WriteString(strings.Repeat(indent, 2))
	}
	b.WriteString(")")
	if cb.cond != "" {
		b.WriteString(" if " + cb.cond + " else None")
	}
	return b.String()
}

// mergeExpr is the forward expression that runs the branches and merges them.
func (c *class) mergeExpr() string {
	optional := false
	var calls, attrs []string
	for _, cb := range c.branches {
		optional = optional || cb.cond != ""
		calls = append(calls, "self."+cb.name+"(x)")
		attrs = append(attrs, "self."+cb.name)
	}
	m := ops.Lookup(c.merge)
	if !optional {
		if len(calls) == 1 {
			return calls[0]
		}
		return m.MergeExpr(calls)
	}
	// Some instances lack a branch: run the ones this instance has.
	ys := "[branch(x) for branch in (" + strings.Join(attrs, ", ") + ") if branch is not None]"
	return fmt.Sprintf(m.MergeList, ys)
}

func (c *class) writeDoc(w *strings.Builder, g *ir.Graph, source string) {
	var lines []string
	if c.block == "" {
		lines = append(lines, fmt.Sprintf("%s (%s): input %s, %d classes.", g.Name, source, g.Input, g.Classes))
		if g.Description != "" {
			lines = append(lines, "", wrap(g.Description, 88-8))
		}
	} else {
		where := ""
		if pos, ok := g.BlockPos[c.block]; ok && pos.IsValid() {
			where = fmt.Sprintf(" (%s:%d)", source, pos.Line)
		}
		lines = append(lines, wrap(fmt.Sprintf("Block %s%s: %s.", c.block, where, c.shape()), 88-8))
		var paths []string
		for _, u := range c.units {
			paths = append(paths, u.path)
		}
		used := fmt.Sprintf("Builds %s", strings.Join(paths, ", "))
		if len(paths) > 6 {
			used = fmt.Sprintf("Builds %s ... %s (%d instances)", strings.Join(paths[:3], ", "), paths[len(paths)-1], len(paths))
		}
		if c.variants > 1 {
			used += fmt.Sprintf("; the block's other instances expand to different layers and have a class of their own (%d in all)", c.variants)
		}
		lines = append(lines, "", wrap(used+".", 88-8))
	}
	text := pyDocText(strings.Join(indentLines(lines), "\n"))
	if !strings.Contains(text, "\n") {
		fmt.Fprintf(w, "%s\"\"\"%s\"\"\"\n", indent, text)
		return
	}
	fmt.Fprintf(w, "%s\"\"\"%s\n%s\"\"\"\n", indent, text, indent)
}

// shape says what the block does: layers in sequence, or branches and their merge.
func (c *class) shape() string {
	if !c.parallel {
		return "layers in sequence"
	}
	var names []string
	for _, cb := range c.branches {
		names = append(names, cb.name)
	}
	s := "branch " + names[0]
	if len(names) > 1 {
		s = "branches " + strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
	}
	if c.merge != "" {
		s += ", merged by " + string(c.merge)
	}
	if len(c.after) > 0 {
		var after []string
		for _, ce := range c.after {
			after = append(after, ce.name)
		}
		s += ", then " + strings.Join(after, ", ")
	}
	return s
}

func indentLines(lines []string) []string {
	out := make([]string, len(lines))
	for i, l := range lines {
		if i > 0 && l != "" {
			l = indent + l
		}
		out[i] = strings.ReplaceAll(l, "\n", "\n"+indent)
	}
	return out
}

// wrap breaks text into lines of at most width characters.
func wrap(text string, width int) string {
	var lines []string
	line := ""
	for _, word := range strings.Fields(text) {
		if line != "" && len(line)+1+len(word) > width {
			lines = append(lines, line)
			line = word
			continue
		}
		if line != "" {
			line += " "
		}
		line += word
	}
	return strings.Join(append(lines, line), "\n")
}
