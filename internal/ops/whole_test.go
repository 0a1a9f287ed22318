package ops_test

import (
	"testing"

	"github.com/netc/netc/compiler/ir"
	"github.com/netc/netc/internal/ops"
	"github.com/netc/netc/runner"
)

// TestEveryOpIsWhole checks that each op's declaration has every part: what the compiler,
// the planner, the runner, the ONNX and PyTorch exporters and the documentation need. An
// op missing one would otherwise fail only when a spec first used it.
func TestEveryOpIsWhole(t *testing.T) {
	custom := runner.CustomSteps()
	if len(ops.All()) == 0 {
		t.Fatal("no ops declared")
	}
	for _, o := range ops.All() {
		for _, msg := range missingParts(o, custom) {
			t.Errorf("op %q: %s", o.Op, msg)
		}
	}
}

// missingParts lists what op o lacks.
func missingParts(o *ops.Op, custom map[string]bool) []string {
	var miss []string
	need := func(ok bool, what string) {
		if !ok {
			miss = append(miss, what)
		}
	}
	need(o.Doc != "", "no description (Doc)")
	need(o.Infer != nil, "no shape rule (Infer)")
	need(ir.Lookup(o.Op) == &o.OpSpec, "not registered with the compiler")
	for _, a := range o.Attrs {
		need(a.Doc != "", "attribute "+a.Name+" has no description")
		if a.Kind == ir.KindActivation {
			continue
		}
		need(a.Field != nil, "attribute "+a.Name+" is stored nowhere (Field)")
		need(a.Required || a.Default != nil || a.DefaultFrom != "", "attribute "+a.Name+" is neither required nor has a default")
		if a.DefaultFrom != "" {
			need(o.Attr(a.DefaultFrom) != nil, "attribute "+a.Name+" takes its default from a missing attribute")
		}
	}
	switch {
	case o.Run.Custom != "":
		need(custom[o.Run.Custom], "the runner has no step named "+o.Run.Custom)
	case o.Run.Forward != nil:
		need(o.Run.Backward != nil, "a forward without a backward")
	default:
		need(o.Act != nil, "no way to run it (Run or Act)")
	}
	if o.Category == ir.CatActivation {
		need(o.Act != nil, "an activation without its elementwise function (Act), which fused epilogues apply")
		need(o.Saves != ir.SavesNothing, "an activation that does not say what its backward reads (Saves)")
	}
	need(o.ONNX != nil, "no ONNX form")
	if o.Merge {
		need(o.Category == ir.CatMerge, "a merge outside the merge category")
		need(o.MergeExpr != nil && o.MergeList != "", "a merge without its PyTorch expression (MergeExpr, MergeList)")
	} else {
		need(o.Torch != nil, "no PyTorch module (Torch)")
	}
	return miss
}

// TestWholenessCanFail removes one part of a declaration at a time and checks that the
// test above notices.
func TestWholenessCanFail(t *testing.T) {
	custom := runner.CustomSteps()
	conv := ops.Lookup(ir.OpConv)
	relu := ops.Lookup(ir.OpReLU)
	add := ops.Lookup(ir.OpAdd)
	breaks := map[string]func() *ops.Op{
		"description": func() *ops.Op { c := *conv; c.Doc = ""; return &c },
		"ONNX":        func() *ops.Op { c := *relu; c.ONNX = nil; return &c },
		"PyTorch":     func() *ops.Op { c := *relu; c.Torch = nil; return &c },
		"runner step": func() *ops.Op { c := *conv; c.Run.Custom = "no-such-step"; return &c },
		"activation":  func() *ops.Op { c := *relu; c.Act = nil; return &c },
		"merge expr":  func() *ops.Op { c := *add; c.MergeExpr = nil; return &c },
		"attr storage": func() *ops.Op {
			c := *conv
			c.Attrs = append([]ir.AttrSpec(nil), c.Attrs...)
			c.Attrs[0].Field = nil
			return &c
		},
	}
	for name, broken := range breaks {
		b := broken()
		miss := missingParts(b, custom)
		// The copy is not the registered spec, so "not registered" always shows; the
		// removed part must show besides it.
		if len(miss) < 2 {
			t.Errorf("removing the %s went unnoticed: %v", name, miss)
		}
	}
}
