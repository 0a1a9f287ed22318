package plan

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// A pass rewrites the step graph and reports whether it changed anything. Like the Go
// compiler's SSA pass table, the pipeline is one list, run in order; each pass lives in
// its own file with its own test, the invariant checker runs after every pass in tests,
// and every pass that is not required can be switched off by name (the outputs must not
// change, only speed and memory).
type pass struct {
	name     string
	purpose  string
	fn       func(*Graph) bool
	required bool
	modes    []Mode // modes the pass applies to; nil means all
}

// passes is the pipeline, in order.
var passes = []pass{
	{name: "alias", fn: alias, purpose: "flatten, identity and inference dropout become views of their input, not copies"},
	{name: "fold-batchnorm", fn: foldBatchNorm, purpose: "fold a batchnorm into the conv or linear before it", modes: []Mode{Inference}},
	{name: "fuse-batchnorm-relu", fn: fuseBatchNormReLU, purpose: "apply a ReLU after a batchnorm in the batchnorm kernel"},
	{name: "pool-first", fn: poolFirst, purpose: "average pooling after a 1x1 conv runs first, so the conv runs on the smaller map (rounding moves)", modes: []Mode{Inference}},
	{name: "fuse-prenorm", fn: fusePreNorm, purpose: "a conv applies the batchnorm(+relu) before it as it reads its input", modes: []Mode{Inference}},
	{name: "fuse-residual", fn: fuseResidual, purpose: "add a residual to a conv's output in the conv step, before its activation", modes: []Mode{Inference}},
	{name: "fuse-add-relu", fn: fuseAddReLU, purpose: "apply a ReLU after a residual add in the add step: one pass forward and one backward"},
	{name: "fuse-activation", fn: fuseActivation, purpose: "apply the activation after a conv or linear in its epilogue"},
	{name: "eliminate-concat", fn: eliminateConcat, purpose: "branches write straight into their channel slice of a concat"},
	{name: "inplace", fn: inPlace, purpose: "activations, dropout and residual adds overwrite an input no one needs any more"},
	{name: "deadcode", fn: deadcode, purpose: "drop steps that fused into others or compute nothing", required: true},
}

// passOrder lists pairs of passes whose order matters: the first must run before the
// second, or the second silently does less (as Go's SSA passOrder). init checks the
// table against it, so reordering the table is caught before anything runs.
var passOrder = []struct{ before, after, why string }{
	{"fold-batchnorm", "fuse-batchnorm-relu", "a batchnorm that already carries its ReLU is not folded"},
	{"fold-batchnorm", "fuse-activation", "the activation after a batchnorm reaches the conv only once the batchnorm is folded into it"},
	{"fold-batchnorm", "fuse-residual", "a batchnorm between the conv and the add keeps them apart until it is folded"},
	{"fuse-residual", "fuse-activation", "the ReLU after a residual add reaches the conv only once the add is fused into it"},
	{"fuse-residual", "inplace", "an add already overwriting its input in place cannot be fused away"},
	{"fuse-residual", "deadcode", "the adds a fusion absorbs are dropped by deadcode"},
	{"fuse-residual", "fuse-add-relu", "an add that carries its ReLU is not fused into the conv before it, which saves a pass more"},
	{"fuse-add-relu", "inplace", "a value that hosts an in-place output cannot be fused away"},
	{"fuse-add-relu", "deadcode", "the steps a fusion absorbs are dropped by deadcode"},
	{"fuse-batchnorm-relu", "inplace", "a value that hosts an in-place output cannot be fused away"},
	{"fuse-activation", "inplace", "a value that hosts an in-place output cannot be fused away"},
	{"eliminate-concat", "inplace", "a value already living in another's storage cannot move into its concat slice"},
	{"fold-batchnorm", "pool-first", "a batchnorm between the conv and the pooling keeps them apart until it is folded"},
	{"pool-first", "fuse-prenorm", "a conv that normalises its input cannot have the pooling moved before it"},
	{"fold-batchnorm", "fuse-prenorm", "a batchnorm after a conv folds into its weights, which costs nothing at run time"},
	{"fuse-batchnorm-relu", "fuse-prenorm", "the ReLU between a batchnorm and a conv goes into the conv only once it is fused into the batchnorm"},
	{"fuse-prenorm", "deadcode", "the batchnorms a conv absorbs are dropped by deadcode"},
	{"fold-batchnorm", "deadcode", "the steps a fold absorbs are dropped by deadcode"},
	{"fuse-batchnorm-relu", "deadcode", "the steps a fusion absorbs are dropped by deadcode"},
	{"fuse-activation", "deadcode", "the steps a fusion absorbs are dropped by deadcode"},
}

func init() {
	if err := checkPassOrder(passes); err != nil {
		panic(err)
	}
}

// checkPassOrder reports every constraint of passOrder that table breaks.
func checkPassOrder(table []pass) error {
	index := func(name string) int {
		return slices.IndexFunc(table, func(p pass) bool { return p.name == name })
	}
	var errs []error
	for _, c := range passOrder {
		b, a := index(c.before), index(c.after)
		switch {
		case b < 0:
			errs = append(errs, fmt.Errorf("plan: pass order names %q, which the table does not have", c.before))
		case a < 0:
			errs = append(errs, fmt.Errorf("plan: pass order names %q, which the table does not have", c.after))
		case b > a:
			errs = append(errs, fmt.Errorf("plan: pass %s must run before %s (%s), but the table runs it after", c.before, c.after, c.why))
		}
	}
	return errors.Join(errs...)
}

// PassNames lists the passes in order, for help texts.
func PassNames() []string {
	out := make([]string, len(passes))
	for i, p := range passes {
		out[i] = p.name
	}
	return out
}

// PassPurpose is the one-line purpose of a pass.
func PassPurpose(name string) string {
	for _, p := range passes {
		if p.name == name {
			return p.purpose
		}
	}
	return ""
}

func (p pass) applies(m Mode) bool {
	if p.modes == nil {
		return true
	}
	for _, x := range p.modes {
		if x == m {
			return true
		}
	}
	return false
}

// PassRun is one pass as it ran: whether it changed the step graph.
type PassRun struct {
	Name    string `json:"name"`
	Changed bool   `json:"changed"`
}

// DisableError is an Options.Disable entry that names no pass, or a required one.
type DisableError struct {
	Name     string
	Required bool // the pass exists but the plan cannot do without it
}

func (e *DisableError) Error() string {
	if e.Required {
		return fmt.Sprintf("pass %q is required and cannot be disabled", e.Name)
	}
	return fmt.Sprintf("no pass %q; passes: %s", e.Name, strings.Join(PassNames(), ", "))
}

// runPasses applies the pipeline. disabled names passes to skip; after is called with
// the graph after each pass that ran (for `netc plan --passes`), and check runs the
// invariant checker after each one when set.
func runPasses(g *Graph, disabled []string, after func(PassRun, *Graph), check bool) ([]PassRun, error) {
	off := map[string]bool{}
	for _, d := range disabled {
		i := slices.IndexFunc(passes, func(p pass) bool { return p.name == d })
		switch {
		case i < 0:
			return nil, &DisableError{Name: d}
		case passes[i].required:
			return nil, &DisableError{Name: d, Required: true}
		}
		off[d] = true
	}
	var ran []PassRun
	for _, p := range passes {
		if off[p.name] || !p.applies(g.Mode) {
			continue
		}
		run := PassRun{Name: p.name, Changed: p.fn(g)}
		ran = append(ran, run)
		if check {
			if err := g.Check(); err != nil {
				return ran, fmt.Errorf("internal error: after pass %s: %w", p.name, err)
			}
		}
		if after != nil {
			after(run, g)
		}
	}
	return ran, nil
}
