package statedict

import (
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/BurntSushi/toml"

	"github.com/netc/netc/internal/userfile"
)

// Rule pairs spec layers with state-dict modules by hand, for what structure cannot
// settle: Layer is a glob over the spec's layer names, Module a PyTorch module path in
// which each * stands for what the n-th * of Layer matched. A * matches within one
// dotted segment. Rules come from a TOML file of `"layer" = "module"` lines; the first
// rule that matches a layer pairs it.
type Rule struct {
	Layer, Module string
	Where         string // file:line, for errors
	re            *regexp.Regexp
}

// maxRulesBytes bounds a --map file: a few lines per layer of the largest network.
const maxRulesBytes = 1 << 20

// ReadRules reads a --map file.
func ReadRules(path string) ([]Rule, error) {
	src, err := userfile.ReadFile(path, maxRulesBytes)
	if err != nil {
		return nil, err
	}
	var raw map[string]any
	md, err := toml.Decode(string(src), &raw)
	if err != nil {
		var pe toml.ParseError
		if errors.As(err, &pe) {
			return nil, fmt.Errorf("%s:%d:%d: %s", path, pe.Position.Line, pe.Position.Col, pe.Message)
		}
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	var rules []Rule
	for _, key := range md.Keys() {
		if len(key) != 1 {
			continue // inside a table, reported with the table
		}
		where := fmt.Sprintf("%s:%d", path, lineOf(src, key[0]))
		module, ok := raw[key[0]].(string)
		if !ok {
			return nil, fmt.Errorf("%s: %q: expected \"netc layer\" = \"PyTorch module\", found a %T", where, key[0], raw[key[0]])
		}
		r, err := NewRule(key[0], module)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", where, err)
		}
		r.Where = where
		rules = append(rules, r)
	}
	if len(rules) == 0 {
		return nil, fmt.Errorf("%s: no rules; expected lines such as \"stage1.bottleneck1.shortcut.projection.conv\" = \"layer1.0.downsample.0\"", path)
	}
	return rules, nil
}

// lineOf finds the line a top-level key is on, for messages (1 when not found).
func lineOf(src []byte, key string) int {
	for i, line := range strings.Split(string(src), "\n") {
		t := strings.TrimSpace(line)
		if strings.HasPrefix(t, `"`+key+`"`) || strings.HasPrefix(t, `'`+key+`'`) || strings.HasPrefix(t, key+" ") || strings.HasPrefix(t, key+"=") {
			return i + 1
		}
	}
	return 1
}

// NewRule checks a rule: as many * in module as in layer at most.
func NewRule(layer, module string) (Rule, error) {
	if strings.Count(module, "*") > strings.Count(layer, "*") {
		return Rule{}, fmt.Errorf("%q = %q: the module has more * than the layer", layer, module)
	}
	pattern := "^" + strings.ReplaceAll(regexp.QuoteMeta(layer), `\*`, `([^.]*)`) + "$"
	return Rule{Layer: layer, Module: module, re: regexp.MustCompile(pattern)}, nil
}

// module is the module path this rule gives layer, or "" when it does not match.
func (r Rule) module(layer string) string {
	m := r.re.FindStringSubmatch(layer)
	if m == nil {
		return ""
	}
	out := r.Module
	for _, capture := range m[1:] {
		out = strings.Replace(out, "*", capture, 1)
	}
	return out
}

// applyRules pairs the layers the rules name; every rule must match a layer, and every
// module it names must exist and be paired once.
func applyRules(rules []Rule, layers []Layer, mods []*module) (map[int]*module, []string) {
	byPath := map[string]*module{}
	for _, m := range mods {
		byPath[m.path] = m
	}
	fixed := map[int]*module{}
	taken := map[*module]string{}
	var problems []string
	matched := make([]bool, len(rules))
	for i, l := range layers {
		for ri, r := range rules {
			path := r.module(l.Name)
			if path == "" {
				continue
			}
			matched[ri] = true
			m := byPath[path]
			switch {
			case m == nil:
				problems = append(problems, fmt.Sprintf("%s: %s -> %s: the state dict has no module %s", r.Where, l.Name, path, path))
			case taken[m] != "":
				problems = append(problems, fmt.Sprintf("%s: %s -> %s: already given to %s", r.Where, l.Name, path, taken[m]))
			default:
				fixed[i], taken[m] = m, l.Name
			}
			break
		}
	}
	for ri, r := range rules {
		if !matched[ri] {
			problems = append(problems, fmt.Sprintf("%s: %q matches no layer of the spec (rules name layers, as netc check lists them)", r.Where, r.Layer))
		}
	}
	return fixed, problems
}
