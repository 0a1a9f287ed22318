package ir

// Op names an operation. The strings are the ones spec files use.
type Op string

const (
	OpInput           Op = "input"
	OpConv            Op = "conv"
	OpLinear          Op = "linear"
	OpReLU            Op = "relu"
	OpReLU6           Op = "relu6"
	OpSigmoid         Op = "sigmoid"
	OpTanh            Op = "tanh"
	OpMaxPool         Op = "maxpool"
	OpAvgPool         Op = "avgpool"
	OpAdaptiveAvgPool Op = "adaptive_avgpool"
	OpBatchNorm       Op = "batchnorm"
	OpDropout         Op = "dropout"
	OpFlatten         Op = "flatten"
	OpIdentity        Op = "identity"
	OpConcat          Op = "concat"
	OpAdd             Op = "add"
)

// IsActivation reports whether op is an elementwise activation.
func (op Op) IsActivation() bool {
	return op == OpReLU || op == OpReLU6 || op == OpSigmoid || op == OpTanh
}

// AttrKind is the type of an op attribute as written in a spec.
type AttrKind int

const (
	KindInt        AttrKind = iota // integer or integer expression
	KindIntPair                    // as KindInt, or [h, w]
	KindBool                       // true/false or a condition expression
	KindFloat                      // a number
	KindActivation                 // relu, relu6, sigmoid or tanh
)

// AttrSpec describes one attribute of an op.
type AttrSpec struct {
	Name     string
	Kind     AttrKind
	Required bool
	Default  any // int, [2]int, bool, float64, or nil when the default is derived (pool stride = k)
	Min      int // smallest allowed integer value
	Max      float64
	Doc      string
}

// OpSpec describes one op the spec language offers.
type OpSpec struct {
	Op    Op
	Doc   string
	Attrs []AttrSpec
	// Infer checks the inputs and sets the node's shape, parameter count and MACs. It
	// returns a message for the user, or "" on success.
	Infer func(n *Node, in []Shape) string
}

// Attrs holds every op's attributes; each op reads the ones it has.
type Attrs struct {
	Out             int    // conv, linear: output channels or features
	K               [2]int // conv and pool window (h, w)
	Stride          [2]int
	Pad             [2]int
	Dilation        [2]int
	Groups          int
	Bias            bool
	CeilMode        bool
	CountIncludePad bool
	Size            [2]int  // adaptive pool output size
	Eps, Momentum   float64 // batchnorm
	P               float64 // dropout probability
}

var actAttr = AttrSpec{Name: "act", Kind: KindActivation, Doc: "activation applied after this layer, as its own layer: relu, relu6, sigmoid or tanh"}

var windowAttrs = []AttrSpec{
	{Name: "k", Kind: KindIntPair, Required: true, Min: 1, Doc: "window size: an integer or [height, width]"},
	{Name: "stride", Kind: KindIntPair, Min: 1, Doc: "step between windows (default: the window size, as in PyTorch)"},
	{Name: "pad", Kind: KindIntPair, Default: [2]int{0, 0}, Min: 0, Doc: "implicit padding on each side, at most half the window"},
	{Name: "ceil_mode", Kind: KindBool, Default: false, Doc: "round the output size up instead of down (PyTorch's ceil_mode)"},
}

// Specs lists every op a spec can name, in the order the documentation shows them.
var Specs = []*OpSpec{
	{Op: OpConv, Doc: "2-D convolution (torch.nn.Conv2d); input channels are inferred", Infer: inferConv, Attrs: []AttrSpec{
		{Name: "out", Kind: KindInt, Required: true, Min: 1, Doc: "output channels"},
		{Name: "k", Kind: KindIntPair, Required: true, Min: 1, Doc: "kernel size: an integer or [height, width]"},
		{Name: "stride", Kind: KindIntPair, Default: [2]int{1, 1}, Min: 1, Doc: "stride"},
		{Name: "pad", Kind: KindIntPair, Default: [2]int{0, 0}, Min: 0, Doc: "zero padding on each side"},
		{Name: "dilation", Kind: KindIntPair, Default: [2]int{1, 1}, Min: 1, Doc: "spacing between kernel taps"},
		{Name: "groups", Kind: KindInt, Default: 1, Min: 1, Doc: "channel groups; must divide input and output channels (groups = in.c is depthwise)"},
		{Name: "bias", Kind: KindBool, Default: true, Doc: "learn an additive bias"},
		actAttr,
	}},
	{Op: OpLinear, Doc: "fully connected layer (torch.nn.Linear) on a flat input; input features are inferred", Infer: inferLinear, Attrs: []AttrSpec{
		{Name: "out", Kind: KindInt, Required: true, Min: 1, Doc: "output features"},
		{Name: "bias", Kind: KindBool, Default: true, Doc: "learn an additive bias"},
		actAttr,
	}},
	{Op: OpReLU, Doc: "max(x, 0)", Infer: inferSame},
	{Op: OpReLU6, Doc: "min(max(x, 0), 6)", Infer: inferSame},
	{Op: OpSigmoid, Doc: "1 / (1 + exp(-x))", Infer: inferSame},
	{Op: OpTanh, Doc: "hyperbolic tangent", Infer: inferSame},
	{Op: OpMaxPool, Doc: "max pooling (torch.nn.MaxPool2d); padding counts as -infinity", Infer: inferPool, Attrs: windowAttrs},
	{Op: OpAvgPool, Doc: "average pooling (torch.nn.AvgPool2d)", Infer: inferPool, Attrs: append(append([]AttrSpec{}, windowAttrs...),
		AttrSpec{Name: "count_include_pad", Kind: KindBool, Default: true, Doc: "divide by the full window, padding included (PyTorch's default)"})},
	{Op: OpAdaptiveAvgPool, Doc: "average pooling to a fixed output size (torch.nn.AdaptiveAvgPool2d); size 1 is global average pooling", Infer: inferAdaptivePool, Attrs: []AttrSpec{
		{Name: "size", Kind: KindIntPair, Default: [2]int{1, 1}, Min: 1, Doc: "output size: an integer or [height, width]"},
	}},
	{Op: OpBatchNorm, Doc: "batch normalization: BatchNorm2d after a feature map, BatchNorm1d after a flat input", Infer: inferBatchNorm, Attrs: []AttrSpec{
		{Name: "eps", Kind: KindFloat, Default: 1e-5, Doc: "added to the variance for stability"},
		{Name: "momentum", Kind: KindFloat, Default: 0.1, Max: 1, Doc: "weight of the batch statistics in the running averages"},
		actAttr,
	}},
	{Op: OpDropout, Doc: "zero each element with probability p while training, scaling the rest by 1/(1-p)", Infer: inferSame, Attrs: []AttrSpec{
		{Name: "p", Kind: KindFloat, Default: 0.5, Max: 1, Doc: "drop probability, 0 <= p < 1"},
	}},
	{Op: OpFlatten, Doc: "reshape C x H x W to one vector of C*H*W features", Infer: inferFlatten},
	{Op: OpIdentity, Doc: "pass the input through unchanged", Infer: inferSame},
}

// Merge ops are not written as layers: a block with branches names one in `merge`.
var (
	concatSpec = &OpSpec{Op: OpConcat, Doc: "stack branch outputs along channels", Infer: inferConcat}
	addSpec    = &OpSpec{Op: OpAdd, Doc: "elementwise sum of branch outputs", Infer: inferAdd}
)

var byOp = func() map[Op]*OpSpec {
	m := map[Op]*OpSpec{OpConcat: concatSpec, OpAdd: addSpec}
	for _, s := range Specs {
		m[s.Op] = s
	}
	return m
}()

// Lookup returns the spec of an op, or nil.
func Lookup(op Op) *OpSpec { return byOp[op] }

// LayerOps lists the op names a layer may use, for hints and the schema.
func LayerOps() []string {
	out := make([]string, len(Specs))
	for i, s := range Specs {
		out[i] = string(s.Op)
	}
	return out
}

// Attr returns the spec of one attribute, or nil.
func (s *OpSpec) Attr(name string) *AttrSpec {
	for i := range s.Attrs {
		if s.Attrs[i].Name == name {
			return &s.Attrs[i]
		}
	}
	return nil
}

// DefaultAttrs returns the attributes an op has when a spec sets none.
func DefaultAttrs(op Op) Attrs {
	return Attrs{
		Stride: [2]int{1, 1}, Dilation: [2]int{1, 1}, Groups: 1, Bias: true,
		CountIncludePad: true, Size: [2]int{1, 1}, Eps: 1e-5, Momentum: 0.1, P: 0.5,
	}
}
