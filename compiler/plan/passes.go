package plan

import (
	"fmt"
	"strings"
)

// A pass rewrites the step graph. Like the Go compiler's SSA pass table, the pipeline is
// one list, run in order; each pass lives in its own file with its own test, the
// invariant checker runs after every pass in tests, and every pass that is not required
// can be switched off by name (the outputs must not change, only speed and memory).
type pass struct {
	name     string
	purpose  string
	fn       func(*Graph)
	required bool
	modes    []Mode // modes the pass applies to; nil means all
}

// passes is the pipeline, in order.
var passes = []pass{
	{name: "alias", fn: alias, purpose: "flatten, identity and inference dropout become views of their input, not copies"},
	{name: "fold-batchnorm", fn: foldBatchNorm, purpose: "fold a batchnorm into the conv or linear before it", modes: []Mode{Inference}},
	{name: "fuse-batchnorm-relu", fn: fuseBatchNormReLU, purpose: "apply a ReLU after a batchnorm in the batchnorm kernel"},
	{name: "fuse-activation", fn: fuseActivation, purpose: "apply the activation after a conv or linear in its epilogue"},
	{name: "eliminate-concat", fn: eliminateConcat, purpose: "branches write straight into their channel slice of a concat"},
	{name: "inplace", fn: inPlace, purpose: "activations, dropout and residual adds overwrite an input no one needs any more"},
	{name: "deadcode", fn: deadcode, purpose: "drop steps that fused into others or compute nothing", required: true},
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

// runPasses applies the pipeline. disabled names passes to skip; after is called with
// the graph after each pass that ran (for `netc plan --passes`), and check runs the
// invariant checker after each one when set.
func runPasses(g *Graph, disabled []string, after func(name string, g *Graph), check bool) ([]string, error) {
	off := map[string]bool{}
	for _, d := range disabled {
		found := false
		for _, p := range passes {
			if p.name == d {
				if p.required {
					return nil, fmt.Errorf("pass %q is required and cannot be disabled", d)
				}
				found = true
			}
		}
		if !found {
			return nil, fmt.Errorf("no pass %q; passes: %s", d, strings.Join(PassNames(), ", "))
		}
		off[d] = true
	}
	var ran []string
	for _, p := range passes {
		if off[p.name] || !p.applies(g.Mode) {
			continue
		}
		p.fn(g)
		ran = append(ran, p.name)
		if check {
			if err := g.Check(); err != nil {
				return ran, fmt.Errorf("after pass %s: %w", p.name, err)
			}
		}
		if after != nil {
			after(p.name, g)
		}
	}
	return ran, nil
}
