package ir

import "fmt"

// Tensor is one parameter tensor of a node, named as weight files name it:
// "<node name>.<Suffix>", e.g. b3.inception1.p2.conv2.weight.
type Tensor struct {
	Suffix    string // weight, bias, running_mean, running_var
	Shape     []int
	Trainable bool // false for batchnorm running statistics
	Init      Init // how a fresh network fills it
	Value     float64
}

// Init is how a fresh network fills a parameter tensor.
type Init int

const (
	InitFan   Init = iota // a conv or linear weight: the run's scheme (xavier, kaiming, PyTorch's default), from its fans
	InitFanIn             // a conv or linear bias: PyTorch's U(-1/sqrt(fan_in), ...) of the node's weight, or zero under kaiming
	InitConst             // every element Value (batchnorm's weight 1 and bias 0, layer scale's 1e-6)
)

var initNames = [...]string{InitFan: "fan", InitFanIn: "fan_in", InitConst: "const"}

// MarshalText names the rule in plan dumps: fan, fan_in or const.
func (i Init) MarshalText() ([]byte, error) {
	if int(i) < 0 || int(i) >= len(initNames) {
		return nil, fmt.Errorf("ir: unknown init rule %d", int(i))
	}
	return []byte(initNames[i]), nil
}

// UnmarshalText reads a rule MarshalText wrote.
func (i *Init) UnmarshalText(b []byte) error {
	for k, n := range initNames {
		if n == string(b) {
			*i = Init(k)
			return nil
		}
	}
	return fmt.Errorf("ir: unknown init rule %q", b)
}

// FullName is the tensor's name in weight files.
func (t Tensor) FullName(node string) string { return node + "." + t.Suffix }

// Tensors lists a node's parameter tensors, in PyTorch's layouts, given its first input's
// shape.
func (n *Node) Tensors(in Shape) []Tensor {
	if s := registry[n.Op]; s != nil && s.Tensors != nil {
		return s.Tensors(n, in)
	}
	return nil
}

// WeightAndBias is a conv's or linear's weight of the given shape, with its bias when the
// node has one.
func WeightAndBias(n *Node, weight []int) []Tensor {
	ts := []Tensor{{Suffix: "weight", Shape: weight, Trainable: true, Init: InitFan}}
	if n.Attrs.Bias {
		ts = append(ts, Tensor{Suffix: "bias", Shape: []int{weight[0]}, Trainable: true, Init: InitFanIn})
	}
	return ts
}

// InputShape is the shape of a node's first input.
func (g *Graph) InputShape(n *Node) Shape { return g.Nodes[n.Inputs[0]].Shape }
