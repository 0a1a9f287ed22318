package ir

import "math"

// Attrs holds every op's attributes; each op reads the ones its OpSpec declares, and its
// AttrSpecs say which field each attribute lives in.
type Attrs struct {
	Out             int    // conv, linear: output channels or features
	K               [2]int // conv and pool window (h, w)
	Stride          [2]int
	Pad             [2]int
	Dilation        [2]int
	Groups          int // conv channel groups; channel_shuffle groups
	Bias            bool
	CeilMode        bool
	CountIncludePad bool
	Size            [2]int  // adaptive pool output size
	Eps, Momentum   float64 // batchnorm, layernorm
	P               float64 // dropout, drop_path probability
	Slope           float64 `json:",omitempty"` // leaky_relu's negative slope
	Init            float64 `json:",omitempty"` // scale's initial value
	Channels        [2]int  `json:",omitempty"` // slice: channels [first, last)
}

// AttrKind is the type of an op attribute as written in a spec.
type AttrKind int

const (
	KindInt        AttrKind = iota // integer or integer expression
	KindIntPair                    // as KindInt, or [h, w]
	KindBool                       // true/false or a condition expression
	KindFloat                      // a number
	KindActivation                 // the name of an activation op
)

// AttrSpec describes one attribute of an op.
type AttrSpec struct {
	Name     string
	Kind     AttrKind
	Required bool
	// Default is the value when a spec leaves the attribute out: int, [2]int, bool or
	// float64; nil when it is required or derived (DefaultFrom).
	Default any
	// DefaultFrom names another attribute whose value this one takes when left out
	// (a pool's stride is its window, as in PyTorch).
	DefaultFrom string
	Min         int // smallest allowed integer value
	// FloatMin and FloatMax bound a float attribute; nil leaves that side open to every
	// finite value.
	FloatMin, FloatMax *Bound
	Doc                string
	// Field points into the Attrs that hold the attribute: *int, *[2]int, *bool or
	// *float64, matching Kind. Activations (act = "relu") have none: they become a node.
	Field func(a *Attrs) any
}

// Get returns the attribute's value in a: int, [2]int, bool or float64.
func (s *AttrSpec) Get(a *Attrs) any {
	switch p := s.Field(a).(type) {
	case *int:
		return *p
	case *[2]int:
		return *p
	case *bool:
		return *p
	case *float64:
		return *p
	}
	return nil
}

// Set stores v (int, [2]int, bool or float64, as Kind says) in a.
func (s *AttrSpec) Set(a *Attrs, v any) {
	switch p := s.Field(a).(type) {
	case *int:
		*p = v.(int)
	case *[2]int:
		*p = v.([2]int)
	case *bool:
		*p = v.(bool)
	case *float64:
		*p = v.(float64)
	}
}

// IsDefault reports whether a holds the attribute's default value.
func (s *AttrSpec) IsDefault(a *Attrs) bool {
	return s.Default != nil && s.Get(a) == s.Default
}

// Pointers to the Attrs fields, for AttrSpec.Field.
func FieldOut(a *Attrs) any             { return &a.Out }
func FieldK(a *Attrs) any               { return &a.K }
func FieldStride(a *Attrs) any          { return &a.Stride }
func FieldPad(a *Attrs) any             { return &a.Pad }
func FieldDilation(a *Attrs) any        { return &a.Dilation }
func FieldGroups(a *Attrs) any          { return &a.Groups }
func FieldBias(a *Attrs) any            { return &a.Bias }
func FieldCeilMode(a *Attrs) any        { return &a.CeilMode }
func FieldCountIncludePad(a *Attrs) any { return &a.CountIncludePad }
func FieldSize(a *Attrs) any            { return &a.Size }
func FieldEps(a *Attrs) any             { return &a.Eps }
func FieldMomentum(a *Attrs) any        { return &a.Momentum }
func FieldP(a *Attrs) any               { return &a.P }
func FieldSlope(a *Attrs) any           { return &a.Slope }
func FieldInit(a *Attrs) any            { return &a.Init }
func FieldChannels(a *Attrs) any        { return &a.Channels }

// Bound is one end of a float attribute's range.
type Bound struct {
	Value     float64
	Exclusive bool // the value itself is not allowed
}

// AtLeast, Above, AtMost and Below make bounds.
func AtLeast(v float64) *Bound { return &Bound{Value: v} }
func Above(v float64) *Bound   { return &Bound{Value: v, Exclusive: true} }
func AtMost(v float64) *Bound  { return &Bound{Value: v} }
func Below(v float64) *Bound   { return &Bound{Value: v, Exclusive: true} }

// InRange reports whether f is finite and within the attribute's bounds.
func (s *AttrSpec) InRange(f float64) bool {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return false
	}
	if b := s.FloatMin; b != nil && (f < b.Value || b.Exclusive && f == b.Value) {
		return false
	}
	if b := s.FloatMax; b != nil && (f > b.Value || b.Exclusive && f == b.Value) {
		return false
	}
	return true
}
