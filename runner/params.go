// Package runner executes compiled plans: it owns parameters, their gradients and
// optimizer state, one arena per (plan, batch size), and binds each plan step to its
// kernels. It reads every shape from the plan and derives none.
//
// It is one of the eight packages of netc's Go API (the rest of the module is internal):
// compiler, compiler/ir, compiler/plan, runner, runner/train, kernels, tensorio, schema.
package runner

import (
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/netc/netc/compiler/ir"
	"github.com/netc/netc/compiler/plan"
	"github.com/netc/netc/tensorio"
)

// Param is one parameter tensor with its gradient (nil for batchnorm running statistics).
type Param struct {
	Name      string
	Shape     []int
	Trainable bool
	Init      ir.Init // how Params.Init fills it
	InitValue float64
	Data      []float32
	Grad      []float32
	// Frozen parameters are not updated, and their layer skips its weight-gradient
	// work when every parameter it has is frozen (see freeze.go).
	Frozen bool
}

// Params holds a network's parameters, in the plan's order.
type Params struct {
	List   []*Param
	byName map[string]*Param
	// Version counts changes to the values (optimizer steps, loads), so that Nets that
	// fold batchnorm into convs know when to fold again.
	Version int
}

// NewParams allocates zeroed parameters for the given tensors (plan.ParamsOf lists a
// graph's), each name once.
func NewParams(list []plan.Param) *Params {
	ps := &Params{byName: map[string]*Param{}}
	for _, t := range list {
		if _, dup := ps.byName[t.Name]; dup {
			continue
		}
		n := 1
		for _, d := range t.Shape {
			n *= d
		}
		x := &Param{Name: t.Name, Shape: t.Shape, Trainable: t.Trainable, Init: t.Init, InitValue: t.InitValue, Data: make([]float32, n)}
		if t.Trainable {
			x.Grad = make([]float32, n)
		}
		ps.List = append(ps.List, x)
		ps.byName[t.Name] = x
	}
	return ps
}

// Get returns the parameter called name, or nil.
func (ps *Params) Get(name string) *Param { return ps.byName[name] }

// Count is the number of trainable values.
func (ps *Params) Count() int {
	n := 0
	for _, p := range ps.List {
		if p.Trainable {
			n += len(p.Data)
		}
	}
	return n
}

// Tensors returns the parameters as named tensors for writing (data shared, not copied).
func (ps *Params) Tensors() []tensorio.Tensor {
	out := make([]tensorio.Tensor, len(ps.List))
	for i, p := range ps.List {
		out[i] = tensorio.Tensor{Name: p.Name, Shape: p.Shape, Data: p.Data}
	}
	return out
}

// Save writes the parameters to a safetensors file, atomically.
func (ps *Params) Save(path string, metadata map[string]string) error {
	return tensorio.WriteFile(path, ps.Tensors(), metadata)
}

// Load reads a safetensors file into the parameters. Every parameter must be present
// with its exact shape and nothing else may be in the file; each mismatch is reported by
// name.
func (ps *Params) Load(path string) (map[string]string, error) {
	ts, meta, err := tensorio.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return meta, ps.Set(path, ts)
}

// Set copies named tensors into the parameters, checking names and shapes, and
// refusing a NaN or an infinity: they only ever come from a diverged run or a damaged
// file, and would turn every output into NaN.
func (ps *Params) Set(source string, ts []tensorio.Tensor) error {
	var problems []string
	seen := map[string]bool{}
	for _, t := range ts {
		p := ps.byName[t.Name]
		if p == nil {
			problems = append(problems, fmt.Sprintf("%s: the network has no parameter %q", source, t.Name))
			continue
		}
		seen[t.Name] = true
		if !sameShape(p.Shape, t.Shape) {
			problems = append(problems, fmt.Sprintf("%s: %s has shape %v, the network expects %v", source, t.Name, t.Shape, p.Shape))
			continue
		}
		if msg := NonFinite(t.Shape, t.Data); msg != "" {
			problems = append(problems, fmt.Sprintf("%s: %s holds %s", source, t.Name, msg))
			continue
		}
		copy(p.Data, t.Data)
	}
	ps.Version++
	for _, p := range ps.List {
		if !seen[p.Name] {
			problems = append(problems, fmt.Sprintf("%s: missing %s (shape %v)", source, p.Name, p.Shape))
		}
	}
	if len(problems) > 0 {
		sort.Strings(problems)
		return fmt.Errorf("weights do not fit the network:\n  %s", strings.Join(problems, "\n  "))
	}
	return nil
}

// NonFinite describes the first NaN or infinity in data, a tensor of the given shape
// ("NaN at index 5, [1 2] of shape [2 3]"), or returns "" when every value is finite.
func NonFinite(shape []int, data []float32) string {
	for i, v := range data {
		if f := float64(v); math.IsNaN(f) || math.IsInf(f, 0) {
			return fmt.Sprintf("%v at index %d, %v of shape %v", v, i, unravel(i, shape), shape)
		}
	}
	return ""
}

// unravel turns a flat row-major index into one index per dimension.
func unravel(i int, shape []int) []int {
	idx := make([]int, len(shape))
	for d := len(shape) - 1; d >= 0; d-- {
		if shape[d] > 0 {
			idx[d] = i % shape[d]
			i /= shape[d]
		}
	}
	return idx
}

func sameShape(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// ZeroGrads clears every gradient.
func (ps *Params) ZeroGrads() {
	for _, p := range ps.List {
		clear(p.Grad)
	}
}
