package ops

import (
	"fmt"
	"strings"

	"github.com/netc/netc/compiler/ir"
)

// Reference is the op reference of docs/spec.md in Markdown, made from the declarations:
// one section per op with its description, attributes and defaults, PyTorch module and
// ONNX form.
func Reference() string {
	var b strings.Builder
	b.WriteString("| op | what it computes | PyTorch |\n|---|---|---|\n")
	for _, o := range all {
		fmt.Fprintf(&b, "| [`%s`](#%s) | %s | %s |\n", o.Op, anchor(o), o.Doc, torchName(o))
	}
	for _, o := range all {
		kind := "Layer"
		if o.Merge {
			kind = "Merge (`merge = \"" + string(o.Op) + "\"` on a block with branches)"
		}
		fmt.Fprintf(&b, "\n### `%s`\n\n%s. %s; PyTorch: %s.\n", o.Op, kind, capitalize(o.Doc), torchName(o))
		if len(o.Attrs) == 0 {
			b.WriteString("\nNo attributes.\n")
			continue
		}
		b.WriteString("\n| attribute | value | default | meaning |\n|---|---|---|---|\n")
		for i := range o.Attrs {
			a := &o.Attrs[i]
			fmt.Fprintf(&b, "| `%s` | %s | %s | %s |\n", a.Name, kindText(a), defaultText(a), a.Doc)
		}
	}
	return b.String()
}

func anchor(o *Op) string { return string(o.Op) }

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// torchName is the module the PyTorch exporter writes for the op, for a feature map.
func torchName(o *Op) string {
	if o.Merge {
		return "`" + o.MergeExpr([]string{"a", "b"}) + "`"
	}
	n := &ir.Node{Op: o.Op, Attrs: o.Defaults(), Shape: ir.Shape{8, 4, 4}}
	class, _ := o.Torch(n, ir.Shape{8, 4, 4})
	return "`" + class + "`"
}

func kindText(a *ir.AttrSpec) string {
	switch a.Kind {
	case ir.KindInt:
		return fmt.Sprintf("integer >= %d", a.Min)
	case ir.KindIntPair:
		return fmt.Sprintf("integer >= %d, or [height, width]", a.Min)
	case ir.KindBool:
		return "true, false or a condition"
	case ir.KindFloat:
		r := "number"
		if lo := a.FloatMin; lo != nil {
			r += map[bool]string{false: " >= ", true: " > "}[lo.Exclusive] + fmt.Sprint(lo.Value)
		}
		if hi := a.FloatMax; hi != nil {
			if a.FloatMin != nil {
				r += ","
			}
			r += map[bool]string{false: " <= ", true: " < "}[hi.Exclusive] + fmt.Sprint(hi.Value)
		}
		return r
	case ir.KindActivation:
		return "an activation: " + strings.Join(ir.Activations(), ", ")
	}
	return ""
}

func defaultText(a *ir.AttrSpec) string {
	switch {
	case a.Required:
		return "required"
	case a.DefaultFrom != "":
		return "= `" + a.DefaultFrom + "`"
	case a.Default == nil:
		return "none"
	}
	switch d := a.Default.(type) {
	case [2]int:
		if d[0] == d[1] {
			return fmt.Sprint(d[0])
		}
		return fmt.Sprintf("[%d, %d]", d[0], d[1])
	case float64:
		return fmt.Sprintf("%g", d)
	}
	return fmt.Sprint(a.Default)
}
