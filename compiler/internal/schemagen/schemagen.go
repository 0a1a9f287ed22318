// Package schemagen writes schema/netc.schema.json from the op table in compiler/ir, so the
// schema, the loader and the documentation cannot drift apart: an op or attribute added to
// ir.Specs appears in the schema the next time `go test ./compiler/internal/schemagen -update` runs,
// and the test fails until it does.
//
// The schema is JSON Schema draft-07, which editors' TOML plugins (Even Better TOML / Taplo)
// understand. Two non-standard annotation keywords carry netc's error wording:
// "x-expect" describes, in words, what an anyOf accepts; "x-errors" maps a keyword to the
// message shown when it fails. Validators ignore unknown keywords.
package schemagen

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/netc/netc/compiler/ir"
)

type obj = map[string]any

// Identifier is the pattern of names: blocks, parameters, layer names, branch names.
const Identifier = `^[A-Za-z_][A-Za-z0-9_]*$`

// Generate returns the schema as indented JSON.
func Generate() ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(document()); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func ref(name string) obj { return obj{"$ref": "#/definitions/" + name} }

func described(doc string, s obj) obj {
	s["description"] = doc
	return s
}

func intOrExpr(min int) obj {
	return obj{
		"anyOf":    []any{obj{"type": "integer", "minimum": min}, ref("expr")},
		"x-expect": fmt.Sprintf("an integer (at least %d) or an expression string such as \"c // 2\"", min),
	}
}

func intPair(min int) obj {
	return obj{
		"if":   obj{"type": "array"},
		"then": obj{"type": "array", "minItems": 2, "maxItems": 2, "items": intOrExpr(min), "x-errors": obj{"minItems": "a pair is [height, width]: exactly 2 elements", "maxItems": "a pair is [height, width]: exactly 2 elements"}},
		"else": intOrExpr(min),
	}
}

func boolOrExpr() obj {
	return obj{"anyOf": []any{obj{"type": "boolean"}, ref("expr")}, "x-expect": "true, false or a condition string such as \"stride > 1\""}
}

// attrSchema is the schema of one op attribute.
func attrSchema(a ir.AttrSpec) obj {
	var s obj
	switch a.Kind {
	case ir.KindInt:
		s = intOrExpr(a.Min)
	case ir.KindIntPair:
		s = intPair(a.Min)
	case ir.KindBool:
		s = boolOrExpr()
	case ir.KindFloat:
		num := obj{"type": "number"}
		if b := a.FloatMin; b != nil {
			num[map[bool]string{false: "minimum", true: "exclusiveMinimum"}[b.Exclusive]] = b.Value
		}
		if b := a.FloatMax; b != nil {
			num[map[bool]string{false: "maximum", true: "exclusiveMaximum"}[b.Exclusive]] = b.Value
		}
		// A number, or an expression the expander evaluates and range-checks.
		s = obj{"if": obj{"type": "string"}, "then": ref("expr"), "else": num}
	case ir.KindActivation:
		s = obj{"enum": activations()}
	}
	s["description"] = a.Doc
	switch d := a.Default.(type) {
	case nil:
	case [2]int:
		if d[0] == d[1] {
			s["default"] = d[0]
		} else {
			s["default"] = d[:]
		}
	default:
		s["default"] = d
	}
	return s
}

func activations() []any {
	var out []any
	for _, a := range ir.Activations() {
		out = append(out, a)
	}
	return out
}

// commonLayerKeys are the keys every layer may have, whether it is an op or a block use.
func commonLayerKeys() obj {
	return obj{
		"name":   described("the layer's name in reports and weight files (default: the op or block name, numbered)", obj{"type": "string", "pattern": Identifier}),
		"if":     described("include the layer only when this condition holds, e.g. \"stride > 1 || in.c != c\"", boolOrExpr()),
		"repeat": described("repeat the layer this many times in a row; `i` is the repetition index (0-based)", intOrExpr(0)),
		"for": described("repeat once per table; each table's keys are added to the layer's keys (block arguments or op attributes); `i` is the index",
			obj{"type": "array", "items": obj{"type": "object", "propertyNames": obj{"pattern": Identifier}, "additionalProperties": ref("arg")}}),
	}
}

func opLayer(s *ir.OpSpec) obj {
	props := commonLayerKeys()
	props["op"] = obj{"const": string(s.Op)}
	required := []any{"op"}
	for _, a := range s.Attrs {
		props[a.Name] = attrSchema(a)
		if a.Required {
			required = append(required, a.Name)
		}
	}
	o := obj{
		"type":                 "object",
		"description":          s.Doc,
		"properties":           props,
		"required":             []any{"op"},
		"additionalProperties": false,
	}
	// A layer that repeats over a `for` list may take required attributes from the list,
	// which the expander checks per repetition.
	if len(required) > 1 {
		o["if"] = obj{"required": []any{"for"}}
		o["else"] = obj{"required": required}
	}
	return o
}

func document() obj {
	defs := obj{
		"expr": obj{"type": "string", "minLength": 1,
			"description": "an integer expression over parameters, `i` and the incoming shape `in.c`, `in.h`, `in.w`: + - * // % min() max(), comparisons, && || !, cond ? a : b"},
		"arg": obj{
			"anyOf":       []any{obj{"type": "integer"}, obj{"type": "number"}, obj{"type": "boolean"}, ref("expr"), obj{"type": "array", "items": obj{"anyOf": []any{obj{"type": "integer"}, ref("expr")}}}},
			"x-expect":    "an integer, a number, a boolean, an expression string or a list of integers",
			"description": "a block argument or op attribute",
		},
		"param": obj{
			"anyOf":       []any{obj{"type": "integer"}, obj{"type": "array", "items": obj{"type": "integer"}}},
			"x-expect":    "an integer or a list of integers",
			"description": "a parameter's default value",
		},
		"params": obj{"type": "object", "propertyNames": obj{"pattern": Identifier}, "additionalProperties": ref("param"),
			"description": "named integer parameters with their defaults, usable in expressions"},
		"layers": obj{"type": "array", "items": ref("layer"), "description": "layers applied one after another"},
		"layer": obj{
			"type": "object",
			"if":   obj{"required": []any{"op"}},
			"then": ref("op_layer"),
			"else": obj{
				"if":       obj{"required": []any{"use"}},
				"then":     ref("use_layer"),
				"else":     obj{"required": []any{"op"}, "x-errors": obj{"required": "a layer needs `op` (an operation) or `use` (a block)"}},
				"x-errors": obj{},
			},
		},
		"use_layer": obj{
			"type":        "object",
			"description": "an instance of a block; other keys are the block's arguments",
			"properties": merge(commonLayerKeys(), obj{
				"use": described("the block to instantiate", obj{"type": "string", "pattern": Identifier}),
			}),
			"propertyNames":        obj{"pattern": Identifier},
			"additionalProperties": ref("arg"),
		},
		"input": obj{
			"type": "object", "additionalProperties": false,
			"required":    []any{"channels", "height", "width"},
			"description": "one input sample: channels x height x width",
			"properties": obj{
				"channels": obj{"type": "integer", "minimum": 1, "maximum": 65536},
				"height":   obj{"type": "integer", "minimum": 1, "maximum": 65536},
				"width":    obj{"type": "integer", "minimum": 1, "maximum": 65536},
			},
		},
		"block": obj{
			"type": "object", "additionalProperties": false,
			"description": "a reusable piece of network: either `layers` in sequence, or `branches` applied to the same input and merged",
			"properties": obj{
				"description": obj{"type": "string"},
				"params":      ref("params"),
				"layers":      ref("layers"),
				"branches": obj{"type": "object", "minProperties": 1, "propertyNames": obj{"pattern": Identifier},
					"additionalProperties": ref("branch"),
					"description":          "named parallel paths from the block's input, in the order written; an empty list is the identity"},
				"merge": obj{"enum": mergeNames(), "description": "how branch outputs combine: " + mergeDocs()},
				"after": described("layers applied after the merge", ref("layers")),
			},
			"if": obj{"required": []any{"branches"}},
			"then": obj{"required": []any{"merge"}, "not": obj{"required": []any{"layers"}},
				"x-errors": obj{"required": "a block with branches needs merge = " + mergeChoices(), "not": "a block has either `layers` or `branches`, not both; put the layers in their own block"}},
			"else": obj{"required": []any{"layers"}, "not": obj{"anyOf": []any{obj{"required": []any{"merge"}}, obj{"required": []any{"after"}}}},
				"x-errors": obj{"required": "a block needs `layers`, or `branches` with `merge`", "not": "`merge` and `after` belong to blocks with `branches`"}},
		},
		"branch": obj{
			"if":   obj{"type": "array"},
			"then": ref("layers"),
			"else": obj{"type": "object", "additionalProperties": false, "required": []any{"layers"},
				"properties": obj{"if": described("keep the branch only when this holds; without it the block has one branch fewer", boolOrExpr()), "layers": ref("layers")},
				"x-errors":   obj{"type": "a branch is a list of layers, or { if = \"...\", layers = [...] }"}},
		},
		"train": obj{
			"type": "object", "additionalProperties": false,
			"description": "the training recipe (optimizer, learning-rate schedule, cross-entropy loss); command-line flags override it",
			"required":    []any{"lr", "epochs", "batch"},
			"properties": obj{
				"lr":              obj{"type": "number", "exclusiveMinimum": 0, "description": "learning rate"},
				"epochs":          obj{"type": "integer", "minimum": 1, "maximum": 100000},
				"batch":           obj{"type": "integer", "minimum": 1, "maximum": 1 << 20, "description": "batch size"},
				"momentum":        obj{"type": "number", "minimum": 0, "maximum": 1, "default": 0, "description": "SGD momentum"},
				"weight_decay":    obj{"type": "number", "minimum": 0, "description": "SGD: L2 penalty added to the gradient (default 0); AdamW: decoupled decay (default 0.01)"},
				"init":            obj{"enum": []any{"xavier", "kaiming", "default"}, "default": "xavier", "description": "weight initialisation of conv and linear layers: xavier (uniform, as the book trains), kaiming, or PyTorch's default"},
				"seed":            obj{"type": "integer", "default": 0},
				"optimizer":       obj{"enum": []any{"sgd", "adamw"}, "default": "sgd", "description": "torch.optim.SGD, or torch.optim.AdamW (decoupled weight decay)"},
				"nesterov":        obj{"type": "boolean", "default": false, "description": "SGD with Nesterov momentum (needs momentum > 0)"},
				"betas":           obj{"type": "array", "minItems": 2, "maxItems": 2, "items": obj{"type": "number", "minimum": 0, "exclusiveMaximum": 1}, "default": []any{0.9, 0.999}, "description": "AdamW's coefficients of the running averages of the gradient and its square"},
				"eps":             obj{"type": "number", "exclusiveMinimum": 0, "default": 1e-8, "description": "AdamW's term added to the denominator"},
				"label_smoothing": obj{"type": "number", "minimum": 0, "maximum": 1, "default": 0, "description": "CrossEntropyLoss's label_smoothing: the target mixes the one-hot label with the uniform distribution by this much"},
				"clip_grad_norm":  obj{"type": "number", "exclusiveMinimum": 0, "description": "clip_grad_norm_: scale the gradients so that their total 2-norm is at most this"},
				"schedule":        ref("schedule"),
			},
		},
	}
	defs["data"] = dataSchema()
	defs["schedule"] = scheduleSchema()
	var ops []any
	var dispatch []any
	for _, s := range ir.Specs() {
		ops = append(ops, string(s.Op))
		defs["op."+string(s.Op)] = opLayer(s)
		dispatch = append(dispatch, obj{
			"if":   obj{"properties": obj{"op": obj{"const": string(s.Op)}}},
			"then": ref("op." + string(s.Op)),
		})
	}
	defs["op_layer"] = obj{
		"type":       "object",
		"required":   []any{"op"},
		"properties": obj{"op": obj{"enum": ops, "description": "the operation"}},
		"allOf":      dispatch,
	}
	return obj{
		"$schema":              "http://json-schema.org/draft-07/schema#",
		"$id":                  "https://github.com/netc/netc/schema/netc.schema.json",
		"title":                "netc network spec",
		"description":          "A convolutional network for netc: header, free parameters, layers, named blocks and a training recipe.",
		"type":                 "object",
		"additionalProperties": false,
		"required":             []any{"name", "input", "classes", "layers"},
		"properties": obj{
			"name":        obj{"type": "string", "pattern": `^[A-Za-z0-9_.-]+$`, "description": "the network's name"},
			"description": obj{"type": "string"},
			"input":       described("one input sample: channels, height and width", ref("input")),
			"layers":      described("the network, input to output", ref("layers")),
			"classes":     obj{"type": "integer", "minimum": 1, "maximum": 1 << 20, "description": "number of classes; the network must output this many values"},
			"params":      ref("params"),
			"blocks":      obj{"type": "object", "propertyNames": obj{"pattern": Identifier}, "additionalProperties": ref("block"), "description": "named blocks, used by layers with `use`"},
			"train":       ref("train"),
			"data":        ref("data"),
		},
		"definitions": defs,
	}
}

func mergeNames() []any {
	var out []any
	for _, m := range ir.Merges() {
		out = append(out, string(m.Op))
	}
	return out
}

// mergeDocs lists the merges with what they do: "concat: stack ...; add: ...".
func mergeDocs() string {
	var parts []string
	for _, m := range ir.Merges() {
		parts = append(parts, fmt.Sprintf("%s: %s", m.Op, m.Doc))
	}
	return strings.Join(parts, "; ")
}

// mergeChoices is `"concat", "add" or "mul"`.
func mergeChoices() string {
	var q []string
	for _, m := range ir.Merges() {
		q = append(q, fmt.Sprintf("%q", m.Op))
	}
	if len(q) < 2 {
		return strings.Join(q, "")
	}
	return strings.Join(q[:len(q)-1], ", ") + " or " + q[len(q)-1]
}

func merge(a, b obj) obj {
	for k, v := range b {
		a[k] = v
	}
	return a
}
