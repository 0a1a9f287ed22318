// Package compiler is the front door of netc's compiler: from a spec file to a checked
// graph (load, validate, decode, expand and infer), and later to an execution plan.
//
// Spec problems come back as a diag.List (every error, each with file:line:col, path and
// message); problems with the caller's options come back as *OptionError, so a command
// line tool can tell "the spec is wrong" (exit 1) from "the command is wrong" (exit 2).
//
// It is one of the eight packages of netc's Go API (the rest of the module is internal):
// compiler, compiler/ir, compiler/plan, runner, runner/train, kernels, tensorio, schema.
package compiler

import (
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/netc/netc/compiler/internal/ast"
	"github.com/netc/netc/compiler/internal/diag"
	"github.com/netc/netc/compiler/internal/expand"
	"github.com/netc/netc/compiler/internal/expr"
	"github.com/netc/netc/compiler/internal/load"
	"github.com/netc/netc/compiler/internal/names"
	"github.com/netc/netc/compiler/internal/validate"
	"github.com/netc/netc/compiler/ir"
)

// MaxSpecBytes is the largest spec file the compiler reads.
const MaxSpecBytes = load.MaxFileSize

// Options changes a spec from the outside, as `--set` and `--input` do.
type Options struct {
	Set   []string // name=value overrides of the spec's free parameters
	Input string   // CxHxW, HxW or a single size; "" keeps the spec's input
}

// OptionError is a mistake in Options rather than in the spec.
type OptionError struct{ Msg string }

func (e *OptionError) Error() string { return e.Msg }

// Check loads, validates and expands the spec at path. It returns the graph, or the
// spec's diagnostics (a diag.List) or an *OptionError.
func Check(path string, opt Options) (*ir.Graph, error) {
	d, errs := load.File(path)
	if errs != nil {
		return nil, errs
	}
	return CheckDoc(d, opt)
}

// CheckSource is Check for a spec held in memory; file names it in positions.
func CheckSource(file string, src []byte, opt Options) (*ir.Graph, error) {
	d, errs := load.Parse(file, src)
	if errs != nil {
		return nil, errs
	}
	return CheckDoc(d, opt)
}

// CheckDoc checks a loaded document.
func CheckDoc(d *load.Doc, opt Options) (*ir.Graph, error) {
	if !ir.Registered() {
		return nil, errors.New("compiler: no ops are declared; a program that compiles specs imports github.com/netc/netc/internal/ops")
	}
	schemaErrs := validate.Doc(d)
	s, errs := ast.Decode(d)
	globals, err := Globals(s, opt.Set)
	if err != nil {
		return nil, err
	}
	s.Classes = int(globals["classes"].I)
	if schemaErrs != nil {
		// The tree does not have the shape expansion needs; still report what the
		// static checks find (expression syntax, unknown blocks and names), so one run
		// lists every mistake it can.
		errs = append(append(schemaErrs, errs...), expand.Check(s, globals)...)
		return nil, errs.Sorted()
	}
	input := s.Input
	if opt.Input != "" {
		if input, err = ParseInput(opt.Input, s.Input); err != nil {
			return nil, err
		}
	}
	g, more := expand.Expand(s, globals, input)
	errs = append(errs, more...)
	if len(errs) > 0 {
		return nil, errs.Sorted()
	}
	g.Params = map[string]string{}
	for _, p := range s.Params {
		g.Params[p.Name] = globals[p.Name].String()
	}
	return g, nil
}

// Globals resolves the spec's free parameters with command-line overrides applied, plus
// `classes`, which --set may change too (a new head for another data set: every layer
// written with out = "classes" follows).
func Globals(s *ast.Spec, set []string) (map[string]expr.Value, error) {
	g := map[string]expr.Value{"classes": expr.IntVal(int64(s.Classes))}
	var known []string
	for _, p := range s.Params {
		g[p.Name] = p.Value
		known = append(known, p.Name)
	}
	sort.Strings(known)
	for _, kv := range set {
		name, val, ok := strings.Cut(kv, "=")
		name = strings.TrimSpace(name)
		if !ok || name == "" {
			return nil, &OptionError{fmt.Sprintf("--set %s: expected name=value, e.g. --set ratio=4", diag.Quote(kv))}
		}
		def, exists := g[name]
		if name == "classes" {
			v, err := parseValue(strings.TrimSpace(val), expr.Int)
			if err != nil || v.I < 1 || v.I > 1<<20 {
				return nil, &OptionError{fmt.Sprintf("--set %s: classes must be an integer from 1 to %d", diag.Clip(kv), 1<<20)}
			}
			g[name] = v
			continue
		}
		if !exists {
			msg := fmt.Sprintf("--set %s: the spec has no parameter %s", diag.Clip(kv), diag.Quote(name))
			if s := names.Suggest(name, known); s != "" {
				msg += fmt.Sprintf(" (did you mean %q?)", s)
			} else if len(known) > 0 {
				msg += "; its parameters: " + strings.Join(known, ", ")
			} else {
				msg += "; it declares none (add them under params = { ... })"
			}
			return nil, &OptionError{msg}
		}
		v, err := parseValue(strings.TrimSpace(val), def.Kind)
		if err != nil {
			return nil, &OptionError{fmt.Sprintf("--set %s: %v", diag.Clip(kv), err)}
		}
		g[name] = v
	}
	return g, nil
}

func parseValue(s string, kind expr.Kind) (expr.Value, error) {
	if kind == expr.List {
		s = strings.Trim(s, "[]")
		var l []int64
		for _, part := range strings.Split(s, ",") {
			n, err := strconv.ParseInt(strings.TrimSpace(part), 10, 64)
			if err != nil {
				return expr.Value{}, fmt.Errorf("expected a list of integers like 1,2,3, found %s", diag.Quote(s))
			}
			l = append(l, n)
		}
		return expr.ListVal(l), nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return expr.Value{}, fmt.Errorf("expected an integer, found %s", diag.Quote(s))
	}
	return expr.IntVal(n), nil
}

// ParseInput reads CxHxW, HxW (channels kept) or N (N x N, channels kept).
func ParseInput(s string, current [3]int) ([3]int, error) {
	parts := strings.Split(strings.ToLower(strings.TrimSpace(s)), "x")
	var dims []int
	for _, p := range parts {
		n, err := strconv.Atoi(strings.TrimSpace(p))
		if err != nil || n < 1 || n > 65536 {
			return current, &OptionError{fmt.Sprintf("--input %s: expected CxHxW like 1x224x224 (or HxW, or one size), with sizes from 1 to 65536", diag.Quote(s))}
		}
		dims = append(dims, n)
	}
	switch len(dims) {
	case 1:
		return [3]int{current[0], dims[0], dims[0]}, nil
	case 2:
		return [3]int{current[0], dims[0], dims[1]}, nil
	case 3:
		return [3]int{dims[0], dims[1], dims[2]}, nil
	}
	return current, &OptionError{fmt.Sprintf("--input %s: expected CxHxW like 1x224x224", diag.Quote(s))}
}

// Diagnostics extracts the diagnostics of a Check error, or nil.
func Diagnostics(err error) diag.List {
	if l, ok := err.(diag.List); ok {
		return l
	}
	return nil
}
