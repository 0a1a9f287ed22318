package pytorch

import (
	"fmt"
	"slices"
	"strings"
)

// param is a constructor parameter of a class, with each unit's value (vNone where the
// unit does not use it).
type param struct {
	name string
	vals []value
	flag bool // a boolean (a has_... condition, a bias), passed by keyword
	used bool
}

// resolver turns the arguments of a class's children into Python expressions over the
// class's parameters. An argument that every instance agrees on stays a literal. One
// that differs is, in order of preference: the parameter the spec names in its expression
// (out = "c" gives c), an existing parameter with the same values (the input channels
// in_c, or a width used twice), a simple function of one (in_c + 32, in_c * 6,
// in_c // 2: DenseNet's growing inputs, MobileNet's expansion, a transition's halving),
// or a new parameter. So the constructor takes what actually varies, and every
// expression holds for every instance the class builds.
type resolver struct {
	n       int
	inC     *param
	params  []*param
	derived []derived
	names   namer
	classes namer // the module's classes and globals, which a parameter must not shadow
}

func newResolver(c *class, classes namer) *resolver {
	r := &resolver{n: len(c.units), names: namer{}, classes: classes}
	name := "in_c"
	vals := make([]value, r.n)
	for i, u := range c.units {
		vals[i] = intVal(u.in[0])
		if len(u.in) == 1 {
			name = "in_features"
		}
	}
	r.inC = &param{name: r.names.take(name), vals: vals}
	return r
}

// resolve fills in c's conditions, arguments and parameters; classes are the names the
// module has taken so far.
func resolve(c *class, classes namer) {
	r := newResolver(c, classes)
	all := make([]value, r.n)
	for i := range all {
		all[i] = boolVal(true)
	}
	r.entries(c.body, all, "")
	for _, cb := range c.branches {
		presence := make([]value, r.n)
		for i := range presence {
			presence[i] = boolVal(cb.per[i] != nil)
		}
		cb.cond = r.flag(presence, cb.name)
		r.entries(cb.items, presence, cb.name+"_")
	}
	r.entries(c.after, all, "")
	c.params = r.final()
	for i, u := range c.units {
		u.args = make([]value, len(c.params))
		for j, p := range c.params {
			u.args[j] = p.vals[i]
		}
	}
}

// final orders the parameters: in_c, the values, then the conditions (passed by keyword).
func (r *resolver) final() []*param {
	var out []*param
	if r.inC.used {
		out = append(out, r.inC)
	}
	for _, flag := range []bool{false, true} {
		for _, p := range r.params {
			if p.flag == flag {
				out = append(out, p)
			}
		}
	}
	return out
}

func (r *resolver) entries(ces []*centry, container []value, prefix string) {
	for _, ce := range ces {
		presence := make([]value, r.n)
		for i := range presence {
			if container[i].b {
				presence[i] = boolVal(ce.per[i] != nil)
			}
		}
		ce.cond = r.flag(presence, prefix+ce.name)
		ce.args = nil
		for s, sl := range r.slotsOf(ce) {
			vals := make([]value, r.n)
			hint, strong := "", ce.child == nil
			for i, e := range ce.per {
				if e == nil {
					continue
				}
				if e.child != nil {
					vals[i] = e.child.args[s]
				} else {
					vals[i] = e.slots[s].val
				}
				if hint == "" {
					hint = r.slotsOfEntry(e)[s].hint
				}
			}
			role := sl.role
			if role == "" {
				role = sl.kw
			}
			expr, omit := r.expr(vals, hint, strong, ce.name+"_"+role, sl.def)
			if omit {
				continue
			}
			if sl.kw != "" {
				expr = sl.kw + "=" + expr
			}
			ce.args = append(ce.args, expr)
		}
	}
}

// slotsOf is the argument list of a child: a layer's slots, or a block class's
// parameters (values positional, conditions by keyword).
func (r *resolver) slotsOf(ce *centry) []slot {
	for _, e := range ce.per {
		if e != nil {
			return r.slotsOfEntry(e)
		}
	}
	return nil
}

func (r *resolver) slotsOfEntry(e *entry) []slot {
	if e.child == nil {
		return e.slots
	}
	var out []slot
	for _, p := range e.child.class.params {
		s := slot{hint: p.name, role: p.name}
		if p.flag {
			s.kw = p.name
		}
		out = append(out, s)
	}
	return out
}

// flag returns the condition under which something exists, given where it does (vNone
// where its container does not): "" when it always does.
func (r *resolver) flag(presence []value, name string) string {
	varies := false
	for _, v := range presence {
		if v.defined() && !v.b {
			varies = true
		}
	}
	if !varies {
		return ""
	}
	for _, p := range r.params {
		if p.flag && r.matches(p.vals, presence) {
			return p.name
		}
	}
	p := &param{name: r.names.take(localName("has_"+name, r.classes)), vals: presence, flag: true}
	r.params = append(r.params, p)
	return p.name
}

// expr renders the argument whose per-unit values are vals (vNone: don't care). strong
// means the hint is the spec's own expression; a weak one is the name of a block class's
// parameter. omit means it equals the default everywhere and can be left out.
func (r *resolver) expr(vals []value, hint string, strong bool, fallback string, def *value) (string, bool) {
	var first value
	constant := true
	for _, v := range vals {
		switch {
		case !v.defined():
		case !first.defined():
			first = v
		case !v.eq(first):
			constant = false
		}
	}
	if !first.defined() {
		return "None", false
	}
	name := localName(hint, r.classes)
	if constant {
		// A literal, unless the value is what the same name means elsewhere in the class
		// (stride=stride on the one conv that exists only where stride is 2).
		if hint != "" {
			// (in_c only once the class takes it anyway: the network's own class takes none.)
			if p := r.byName(name); p != nil && (p != r.inC || p.used) && r.matches(p.vals, vals) {
				return r.use(p), false
			}
			for _, d := range r.derived {
				if d.hint == hint && r.matches(d.vals, vals) {
					return d.expr, false
				}
			}
		}
		if def != nil && first.eq(*def) {
			return "", true
		}
		return first.py(), false
	}
	if strong && hint != "" {
		if p := r.byName(name); p != nil {
			if r.matches(p.vals, vals) {
				return r.useFor(p, hint), false
			}
		} else if !r.names[name] {
			return r.useFor(r.newParam(name, vals), hint), false
		}
	}
	for _, p := range r.candidates() {
		if r.matches(p.vals, vals) {
			return r.useFor(p, hint), false
		}
	}
	for _, d := range r.derived {
		if r.matches(d.vals, vals) {
			return r.derive(d.expr, vals, hint), false
		}
	}
	if first.isInt() {
		for _, p := range r.candidates() {
			if rel := r.relation(p, vals); rel != "" {
				r.use(p)
				return r.derive(rel, vals, hint), false
			}
		}
	}
	if hint == "" || r.names[name] {
		name = localName(fallback, r.classes)
	}
	return r.useFor(r.newParam(name, vals), hint), false
}

// derived is an expression over parameters that an argument has, with its values.
type derived struct {
	expr, hint string
	vals       []value
}

func (r *resolver) derive(expr string, vals []value, hint string) string {
	r.derived = append(r.derived, derived{expr: expr, hint: hint, vals: vals})
	return expr
}

func (r *resolver) candidates() []*param {
	return append([]*param{r.inC}, r.params...)
}

func (r *resolver) byName(name string) *param {
	for _, p := range r.candidates() {
		if p.name == name {
			return p
		}
	}
	return nil
}

func (r *resolver) use(p *param) string {
	p.used = true
	return p.name
}

// useFor uses p for an argument named hint, and remembers that, so that a constant
// argument of the same name elsewhere can say p too.
func (r *resolver) useFor(p *param, hint string) string {
	r.derive(p.name, p.vals, hint)
	return r.use(p)
}

func (r *resolver) newParam(name string, vals []value) *param {
	p := &param{name: r.names.take(name), vals: slices.Clone(vals), used: true}
	for _, v := range vals {
		if v.defined() {
			p.flag = v.kind == vBool // booleans are passed by keyword
			break
		}
	}
	r.params = append(r.params, p)
	return p
}

// matches: have equals vals wherever vals matter.
func (r *resolver) matches(have, vals []value) bool {
	for i, v := range vals {
		if v.defined() && !have[i].eq(v) {
			return false
		}
	}
	return true
}

// relation finds vals = p + k, p * k or p // k for one integer k, over every unit.
func (r *resolver) relation(p *param, vals []value) string {
	var pairs [][2]int
	for i, v := range vals {
		if !v.defined() {
			continue
		}
		if !p.vals[i].isInt() {
			return ""
		}
		pairs = append(pairs, [2]int{p.vals[i].i, v.i})
	}
	holds := func(f func(x int) int) bool {
		for _, xy := range pairs {
			if f(xy[0]) != xy[1] {
				return false
			}
		}
		return true
	}
	x0, y0 := pairs[0][0], pairs[0][1]
	if k := y0 - x0; k != 0 && holds(func(x int) int { return x + k }) {
		if k < 0 {
			return fmt.Sprintf("%s - %d", p.name, -k)
		}
		return fmt.Sprintf("%s + %d", p.name, k)
	}
	if x0 != 0 && y0%x0 == 0 {
		if k := y0 / x0; k >= 2 && holds(func(x int) int { return x * k }) {
			return fmt.Sprintf("%s * %d", p.name, k)
		}
	}
	if y0 > 0 && x0 > 0 {
		if k := x0 / y0; k >= 2 && holds(func(x int) int { return floorDiv(x, k) }) {
			return fmt.Sprintf("%s // %d", p.name, k)
		}
	}
	return ""
}

func floorDiv(a, b int) int {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

// signature is the parameter list of __init__.
func (c *class) signature() string {
	parts := []string{"self"}
	for _, p := range c.params {
		parts = append(parts, p.name)
	}
	return strings.Join(parts, ", ")
}
