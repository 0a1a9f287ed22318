package ir

// Tensor is one parameter tensor of a node, named as weight files name it:
// "<node name>.<Suffix>", e.g. b3.inception1.p2.conv2.weight.
type Tensor struct {
	Suffix    string // weight, bias, running_mean, running_var
	Shape     []int
	Trainable bool // false for batchnorm running statistics
}

// FullName is the tensor's name in weight files.
func (t Tensor) FullName(node string) string { return node + "." + t.Suffix }

// Tensors lists a node's parameter tensors in PyTorch's layouts: conv weight
// [out, in/groups, kh, kw], linear weight [out, in], per-channel vectors otherwise.
func (n *Node) Tensors(in Shape) []Tensor {
	a := n.Attrs
	switch n.Op {
	case OpConv:
		ts := []Tensor{{"weight", []int{a.Out, in[0] / a.Groups, a.K[0], a.K[1]}, true}}
		if a.Bias {
			ts = append(ts, Tensor{"bias", []int{a.Out}, true})
		}
		return ts
	case OpLinear:
		ts := []Tensor{{"weight", []int{a.Out, in[0]}, true}}
		if a.Bias {
			ts = append(ts, Tensor{"bias", []int{a.Out}, true})
		}
		return ts
	case OpBatchNorm:
		c := in[0]
		return []Tensor{
			{"weight", []int{c}, true}, {"bias", []int{c}, true},
			{"running_mean", []int{c}, false}, {"running_var", []int{c}, false},
		}
	}
	return nil
}

// InputShape is the shape of a node's first input.
func (g *Graph) InputShape(n *Node) Shape { return g.Nodes[n.Inputs[0]].Shape }
