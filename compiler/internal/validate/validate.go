// Package validate checks a loaded spec against schema/netc.schema.json and turns the
// validator's findings into netc diagnostics: the position of the offending key, its path
// in the spec, and what was expected and found, with a "did you mean" for unknown keys.
package validate

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v5"

	"github.com/netc/netc/compiler/internal/diag"
	"github.com/netc/netc/compiler/internal/load"
	"github.com/netc/netc/compiler/internal/names"
	"github.com/netc/netc/schema"
)

var (
	compileOnce sync.Once
	compiled    *jsonschema.Schema
	rawSchema   map[string]any
	compileErr  error
)

func compiledSchema() (*jsonschema.Schema, error) {
	compileOnce.Do(func() {
		c := jsonschema.NewCompiler()
		c.Draft = jsonschema.Draft7
		if compileErr = c.AddResource(schema.URL, bytes.NewReader(schema.JSON)); compileErr != nil {
			return
		}
		if compiled, compileErr = c.Compile(schema.URL); compileErr != nil {
			return
		}
		compileErr = json.Unmarshal(schema.JSON, &rawSchema)
	})
	return compiled, compileErr
}

// Doc validates a loaded spec. It returns every problem the schema finds.
func Doc(d *load.Doc) diag.List {
	s, err := compiledSchema()
	if err != nil {
		return diag.List{{Pos: diag.Pos{File: d.File}, Msg: "internal error: the embedded schema does not compile: " + err.Error()}}
	}
	err = s.Validate(d.Root.Plain())
	if err == nil {
		return nil
	}
	var ve *jsonschema.ValidationError
	if !errors.As(err, &ve) {
		return diag.List{{Pos: diag.Pos{File: d.File}, Msg: "schema validation: " + err.Error()}}
	}
	m := &mapper{doc: d}
	m.walk(ve)
	return m.out.Sorted()
}

type mapper struct {
	doc  *load.Doc
	out  diag.List
	seen map[string]bool
}

// walk visits the leaves of the validator's error tree. anyOf and oneOf count as leaves:
// their alternatives' failures explain nothing a reader wants to know.
func (m *mapper) walk(ve *jsonschema.ValidationError) {
	kw := lastSegment(ve.KeywordLocation)
	if len(ve.Causes) == 0 || kw == "anyOf" || kw == "oneOf" {
		m.leaf(ve, kw)
		return
	}
	for _, c := range ve.Causes {
		m.walk(c)
	}
}

func lastSegment(ptr string) string {
	if i := strings.LastIndexByte(ptr, '/'); i >= 0 {
		return ptr[i+1:]
	}
	return ptr
}

// schemaAt returns the schema object at an absolute keyword location's pointer.
func schemaAt(absLoc string) map[string]any {
	frag := absLoc
	if i := strings.IndexByte(absLoc, '#'); i >= 0 {
		frag = absLoc[i+1:]
	}
	var cur any = rawSchema
	for _, seg := range strings.Split(strings.TrimPrefix(frag, "/"), "/") {
		if seg == "" {
			continue
		}
		seg = strings.NewReplacer("~1", "/", "~0", "~").Replace(seg)
		switch c := cur.(type) {
		case map[string]any:
			cur = c[seg]
		case []any:
			i, err := strconv.Atoi(seg)
			if err != nil || i < 0 || i >= len(c) {
				return nil
			}
			cur = c[i]
		default:
			return nil
		}
	}
	o, _ := cur.(map[string]any)
	return o
}

// parentSchema is the schema object that holds the failing keyword.
func parentSchema(absLoc string) map[string]any {
	if i := strings.LastIndexByte(absLoc, '/'); i >= 0 {
		return schemaAt(absLoc[:i])
	}
	return nil
}

func (m *mapper) add(path string, keyPos bool, format string, args ...any) {
	var pos diag.Pos
	if n := m.doc.Lookup(path); n != nil {
		pos = n.Pos
		if keyPos {
			pos = n.KeyPos
		}
	} else {
		pos = m.doc.Root.Pos
	}
	msg := fmt.Sprintf(format, args...)
	key := path + "\x00" + msg
	if m.seen == nil {
		m.seen = map[string]bool{}
	}
	if m.seen[key] {
		return
	}
	m.seen[key] = true
	m.out = append(m.out, diag.Diagnostic{Pos: pos, Path: m.doc.DisplayPath(path), Msg: msg})
}

func (m *mapper) leaf(ve *jsonschema.ValidationError, kw string) {
	parent := parentSchema(ve.AbsoluteKeywordLocation)
	inst := m.doc.Lookup(ve.InstanceLocation)
	if custom := customMessage(parent, kw); custom != "" && kw != "additionalProperties" {
		m.add(ve.InstanceLocation, true, "%s", custom)
		return
	}
	switch kw {
	case "additionalProperties":
		m.unknownKeys(ve.InstanceLocation, inst, parent)
	case "required":
		m.missingKeys(ve.InstanceLocation, inst, parent, ve.AbsoluteKeywordLocation)
	case "type":
		m.add(ve.InstanceLocation, false, "expected %s, found %s", typeWords(parent["type"]), describe(inst))
	case "enum":
		m.badEnum(ve.InstanceLocation, inst, parent)
	case "const":
		m.add(ve.InstanceLocation, false, "expected %v, found %s", parent["const"], describe(inst))
	case "anyOf", "oneOf":
		expect, _ := parent["x-expect"].(string)
		if expect == "" {
			expect = "a different kind of value"
		}
		m.add(ve.InstanceLocation, false, "expected %s, found %s", expect, describe(inst))
	case "minimum", "exclusiveMinimum", "maximum", "exclusiveMaximum":
		m.add(ve.InstanceLocation, false, "%s, found %s", boundWords(kw, parent[kw]), describe(inst))
	case "minItems", "maxItems":
		m.add(ve.InstanceLocation, false, "expected %s %v elements, found %d", map[string]string{"minItems": "at least", "maxItems": "at most"}[kw], parent[kw], len(inst.Items))
	case "minLength":
		m.add(ve.InstanceLocation, false, "must not be empty")
	case "minProperties":
		m.add(ve.InstanceLocation, true, "must not be empty")
	case "pattern":
		what := "name"
		if strings.HasSuffix(ve.KeywordLocation, "propertyNames/pattern") {
			// The instance location of a propertyNames failure is the key itself.
			what = "key"
		}
		rule := "use letters, digits and '_', not starting with a digit"
		if p, _ := parent["pattern"].(string); p != identifierPattern {
			rule = "use letters, digits, '_', '-' and '.'"
		}
		m.add(ve.InstanceLocation, true, "%s is not a valid %s: %s", diag.Quote(instanceText(inst, ve.InstanceLocation)), what, rule)
	default:
		m.add(ve.InstanceLocation, false, "%s", strings.TrimPrefix(ve.Message, "jsonschema: "))
	}
}

func instanceText(n *load.Node, path string) string {
	if n != nil && n.Kind == load.String {
		return n.Str
	}
	return lastSegment(path)
}

func customMessage(parent map[string]any, kw string) string {
	if xe, ok := parent["x-errors"].(map[string]any); ok {
		if s, ok := xe[kw].(string); ok {
			return s
		}
	}
	return ""
}

// synonyms maps words people bring from PyTorch, Keras or Caffe to netc's keys.
var synonyms = map[string]string{
	"kernel": "k", "kernel_size": "k", "ksize": "k", "size": "k",
	"padding": "pad", "strides": "stride", "dilation_rate": "dilation",
	"out_channels": "out", "out_features": "out", "filters": "out", "num_output": "out", "channels": "out", "units": "out",
	"ceil": "ceil_mode", "activation": "act", "type": "op", "layer": "op", "block": "use",
	"learning_rate": "lr", "batch_size": "batch", "num_epochs": "epochs", "wd": "weight_decay",
	"output_size": "size", "rate": "p", "drop": "p",
}

// suggestKey finds the key a user probably meant: a netc key close in spelling, or the
// netc name of a word from another framework, even misspelt ("kernal" -> "k").
func suggestKey(k string, props map[string]any, allowed []string) string {
	if s, ok := synonyms[k]; ok && props[s] != nil {
		return s
	}
	if s := names.Suggest(k, allowed); s != "" {
		return s
	}
	var words []string
	for w, s := range synonyms {
		if props[s] != nil {
			words = append(words, w)
		}
	}
	sort.Strings(words)
	if w := names.Suggest(k, words); w != "" {
		return synonyms[w]
	}
	return ""
}

// identifierPattern is schemagen.Identifier (not imported: the schema, not its generator,
// is this package's contract).
const identifierPattern = `^[A-Za-z_][A-Za-z0-9_]*$`

var inferred = map[string]bool{"in_channels": true, "in_features": true, "in": true, "input_channels": true, "cin": true}

func (m *mapper) unknownKeys(path string, inst *load.Node, parent map[string]any) {
	if inst == nil || inst.Kind != load.Table {
		return
	}
	props, _ := parent["properties"].(map[string]any)
	var allowed []string
	for k := range props {
		allowed = append(allowed, k)
	}
	sort.Strings(allowed)
	context := "here"
	if op, ok := inst.Fields["op"]; ok && op.Kind == load.String {
		context = "for op " + diag.Quote(op.Str)
	} else if path == "/train" {
		context = "in [train]"
	} else if path == "" {
		context = "at the top of a spec"
	}
	for _, k := range inst.Keys {
		if _, ok := props[k]; ok {
			continue
		}
		p := path + "/" + strings.NewReplacer("~", "~0", "/", "~1").Replace(k)
		switch {
		case k == "use" && inst.Fields["op"] != nil:
			m.add(p, true, "a layer has either `op` or `use`, not both")
		case inferred[k]:
			m.add(p, true, "unknown key %s: input channels and features are always inferred from the previous layer; delete it", diag.Quote(k))
		default:
			hint := ""
			if s := suggestKey(k, props, allowed); s != "" {
				hint = fmt.Sprintf(" (did you mean %q?)", s)
			}
			m.add(p, true, "unknown key %s %s%s; allowed: %s", diag.Quote(k), context, hint, strings.Join(allowed, ", "))
		}
	}
}

func (m *mapper) missingKeys(path string, inst *load.Node, parent map[string]any, loc string) {
	req, _ := parent["required"].([]any)
	props, _ := parent["properties"].(map[string]any)
	if props == nil {
		// The required list may sit in an else branch; the properties are a level up.
		if i := strings.LastIndexByte(loc, '/'); i >= 0 {
			if gp := parentSchema(loc[:i]); gp != nil {
				props, _ = gp["properties"].(map[string]any)
			}
		}
	}
	for _, r := range req {
		k := r.(string)
		if inst != nil && inst.Fields[k] != nil {
			continue
		}
		what := ""
		if p, ok := props[k].(map[string]any); ok {
			if d, ok := p["description"].(string); ok {
				what = " (" + d + ")"
			}
		}
		subject := "missing key"
		if inst != nil {
			if op, ok := inst.Fields["op"]; ok && op.Kind == load.String {
				subject = "op " + diag.Quote(op.Str) + " needs key"
			}
		}
		m.add(path, true, "%s %q%s", subject, k, what)
	}
}

func (m *mapper) badEnum(path string, inst *load.Node, parent map[string]any) {
	var options []string
	for _, e := range parent["enum"].([]any) {
		options = append(options, fmt.Sprint(e))
	}
	if inst == nil || inst.Kind != load.String {
		m.add(path, false, "expected one of %s, found %s", strings.Join(options, ", "), describe(inst))
		return
	}
	hint := ""
	if s := names.Suggest(inst.Str, options); s != "" {
		hint = fmt.Sprintf(" (did you mean %q?)", s)
	}
	what := "value"
	if lastSegment(path) == "op" {
		what = "op"
	}
	m.add(path, false, "unknown %s %s%s; expected one of %s", what, diag.Quote(inst.Str), hint, strings.Join(options, ", "))
}

func typeWords(t any) string {
	words := map[string]string{"integer": "an integer", "number": "a number", "string": "a string", "boolean": "true or false", "array": "a list", "object": "a table"}
	switch t := t.(type) {
	case string:
		return words[t]
	case []any:
		var out []string
		for _, x := range t {
			out = append(out, words[fmt.Sprint(x)])
		}
		return strings.Join(out, " or ")
	}
	return "another type"
}

func boundWords(kw string, v any) string {
	switch kw {
	case "minimum":
		return fmt.Sprintf("must be at least %v", v)
	case "exclusiveMinimum":
		return fmt.Sprintf("must be greater than %v", v)
	case "maximum":
		return fmt.Sprintf("must be at most %v", v)
	}
	return fmt.Sprintf("must be less than %v", v)
}

// describe says what a value is, for "found ..." in messages.
func describe(n *load.Node) string {
	if n == nil {
		return "nothing"
	}
	switch n.Kind {
	case load.String:
		return "the string " + diag.Quote(n.Str)
	case load.Integer:
		return fmt.Sprintf("%d", n.Int)
	case load.Float:
		return fmt.Sprintf("the number %v", n.Float)
	case load.Bool:
		return fmt.Sprintf("%v", n.Bool)
	case load.Array:
		return fmt.Sprintf("a list of %d", len(n.Items))
	case load.Table:
		return "a table"
	}
	return n.Kind.String()
}
