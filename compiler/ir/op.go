package ir

import (
	"fmt"
	"sort"
)

// Op names an operation. The strings are the ones spec files use.
type Op string

// The ops the compiler's own passes and reports name. Every op, these included, is
// declared in package ops, which registers it here.
const (
	OpInput     Op = "input"
	OpConv      Op = "conv"
	OpLinear    Op = "linear"
	OpReLU      Op = "relu"
	OpMaxPool   Op = "maxpool"
	OpBatchNorm Op = "batchnorm"
	OpDropout   Op = "dropout"
	OpFlatten   Op = "flatten"
	OpIdentity  Op = "identity"
	OpConcat    Op = "concat"
	OpAdd       Op = "add"
)

// Category is the family an op belongs to: it picks the op's colour in drawings and
// tells the `act` attribute which ops are activations.
type Category int

const (
	CatConv Category = iota
	CatLinear
	CatPool
	CatNorm
	CatActivation
	CatElementwise // per-element arithmetic with parameters (scale)
	CatShape       // moves or views elements (flatten, identity, slice, channel_shuffle)
	CatRegularizer // training-only noise (dropout, drop_path)
	CatMerge       // combines branch outputs (concat, add, mul)
)

// Saves says what an op's backward reads besides the output gradient.
type Saves int

const (
	SavesNothing Saves = 0
	SavesInput   Saves = 1 << iota // its inputs as forward saw them (conv, linear, silu)
	SavesOutput                    // its own output (relu, sigmoid)
)

// AliasRule says when an op's output can be its input's storage, seen with another shape.
type AliasRule int

const (
	AliasNever     AliasRule = iota
	AliasAlways              // flatten, identity
	AliasInference           // dropout: the identity unless training (or p = 0)
)

// OpSpec is what the compiler knows of an op: its attributes, shape rule, parameters,
// cost and the facts the planner lowers it by. Package ops declares each op, one file
// each, with the parts the runner and the exporters need beside this one.
type OpSpec struct {
	Op       Op
	Doc      string // one line, for the op reference and `netc check`
	Category Category
	Attrs    []AttrSpec
	// Merge ops are named by a block's `merge`, not written as layers.
	Merge bool
	// Infer checks the inputs and sets the node's shape, parameter count and MACs. It
	// returns a message for the user, or "" on success.
	Infer func(n *Node, in []Shape) string
	// Tensors lists the node's parameter tensors given its first input's shape; nil for
	// ops without parameters.
	Tensors func(n *Node, in Shape) []Tensor
	// Describe gives the node's key attributes compactly for tables ("96, 11x11 /4");
	// nil lists the attributes that differ from their defaults.
	Describe func(n *Node) string

	// Lowering facts.
	Saves   Saves
	InPlace bool // elementwise: the output may take over an input's storage
	Alias   AliasRule
	// Kept returns the float32 slots per sample that a training forward keeps for
	// backward (dropout's mask, max pooling's argmax, layernorm's statistics); nil or 0
	// for none.
	Kept func(n *Node, in []Shape) int64
}

var (
	registry = map[Op]*OpSpec{}
	order    []*OpSpec
)

// Register adds an op. Package ops calls it once per op, in documentation order.
func Register(s *OpSpec) {
	if s.Op == "" || s.Infer == nil {
		panic(fmt.Sprintf("ir: op %q registered without a name or a shape rule", s.Op))
	}
	if registry[s.Op] != nil {
		panic(fmt.Sprintf("ir: op %q registered twice", s.Op))
	}
	for i := range s.Attrs {
		if a := &s.Attrs[i]; a.Kind != KindActivation && a.Field == nil {
			panic(fmt.Sprintf("ir: op %q attribute %q has no field", s.Op, a.Name))
		}
	}
	registry[s.Op] = s
	order = append(order, s)
}

// Lookup returns the spec of an op, or nil.
func Lookup(op Op) *OpSpec { return registry[op] }

// Specs lists the ops a layer may name, in documentation order (merges excluded).
func Specs() []*OpSpec {
	var out []*OpSpec
	for _, s := range order {
		if !s.Merge {
			out = append(out, s)
		}
	}
	return out
}

// Merges lists the ops a block's `merge` may name.
func Merges() []*OpSpec {
	var out []*OpSpec
	for _, s := range order {
		if s.Merge {
			out = append(out, s)
		}
	}
	return out
}

// Activations lists the names `act = "..."` accepts, sorted.
func Activations() []string {
	var out []string
	for _, s := range order {
		if s.Category == CatActivation {
			out = append(out, string(s.Op))
		}
	}
	sort.Strings(out)
	return out
}

// Registered reports whether any op is registered: a program that compiles specs must
// import package ops, which declares them.
func Registered() bool { return len(order) > 0 }

// IsActivation reports whether op is an elementwise activation.
func (op Op) IsActivation() bool {
	s := registry[op]
	return s != nil && s.Category == CatActivation
}

// IsMerge reports whether op combines a block's branches (concat, add, ...).
func (op Op) IsMerge() bool {
	s := registry[op]
	return s != nil && s.Merge
}

// TakesAct reports whether the op has an `act` attribute (an activation written on the
// same layer, as conv, linear and batchnorm have).
func (s *OpSpec) TakesAct() bool {
	for _, a := range s.Attrs {
		if a.Kind == KindActivation {
			return true
		}
	}
	return false
}

// Spec is the op's spec; nil for the input and unknown ops.
func (op Op) Spec() *OpSpec { return registry[op] }

// Attr returns the spec of one attribute, or nil.
func (s *OpSpec) Attr(name string) *AttrSpec {
	for i := range s.Attrs {
		if s.Attrs[i].Name == name {
			return &s.Attrs[i]
		}
	}
	return nil
}

// Defaults returns the attributes of a node of this op whose spec sets none.
func (s *OpSpec) Defaults() Attrs {
	var a Attrs
	for i := range s.Attrs {
		as := &s.Attrs[i]
		if as.Field != nil && as.Default != nil {
			as.Set(&a, as.Default)
		}
	}
	return a
}

// DefaultAttrs returns the attributes an op has when a spec sets none.
func DefaultAttrs(op Op) Attrs {
	if s := registry[op]; s != nil {
		return s.Defaults()
	}
	return Attrs{}
}
