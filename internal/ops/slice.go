package ops

import (
	"fmt"
	"github.com/netc/netc/kernels"

	"github.com/netc/netc/compiler/ir"
)

var slice = &Op{
	OpSpec: ir.OpSpec{
		Op: "slice", Category: ir.CatShape,
		Doc: "keep channels [first, last) of the input: with branches, a channel split (ShuffleNet's chunk)",
		Attrs: []ir.AttrSpec{
			{Name: "channels", Kind: ir.KindIntPair, Required: true, Min: 0, Doc: "[first, last): the channels to keep, e.g. [0, \"in.c // 2\"]", Field: ir.FieldChannels},
		},
		Infer: func(n *ir.Node, in []ir.Shape) string {
			x := in[0]
			if msg := ir.NeedMap(n.Op, x); msg != "" {
				return msg
			}
			a, b := n.Attrs.Channels[0], n.Attrs.Channels[1]
			if a >= b || b > x[0] {
				return fmt.Sprintf("channels = [%d, %d] must satisfy 0 <= first < last <= %d (the input's channels)", a, b, x[0])
			}
			return ir.SetShape(n, ir.Shape{b - a, x[1], x[2]})
		},
		Describe: func(n *ir.Node) string { return fmt.Sprintf("[%d, %d)", n.Attrs.Channels[0], n.Attrs.Channels[1]) },
	},
	Run: Run{Forward: sliceForward, Backward: sliceBackward},
	ONNX: func(e Emitter, n *ir.Node, in []string, out string) error {
		p := n.Name + "/"
		a, b := int64(n.Attrs.Channels[0]), int64(n.Attrs.Channels[1])
		e.Node(n.Name, "Slice", []string{in[0], e.Int64s(p+"starts", a), e.Int64s(p+"ends", b), e.Int64s(p+"axes", 1)}, out)
		return nil
	},
	Torch: func(n *ir.Node, _ ir.Shape) (string, []TorchArg) {
		c := n.Attrs.Channels
		return "ChannelSlice", []TorchArg{{Value: c[0], Role: "first"}, {Value: c[1], Role: "last"}}
	},
	TorchHelper: `class ChannelSlice(nn.Module):
    """Keeps channels [first, last) of an N x C x H x W tensor."""

    def __init__(self, first, last):
        super().__init__()
        self.first, self.last = first, last

    def forward(self, x):
        return x[:, self.first:self.last]
`,
}

func sliceForward(c Ctx, _ bool) {
	ch, hw := channels(c.InShape(0))
	r := c.Attrs().Channels
	kernels.ChannelSliceForward(r[0], r[1], ch, hw, c.In(0), c.Out())
}

func sliceBackward(c Ctx) {
	if dx, acc, ok := c.InGrad(0); ok {
		ch, hw := channels(c.InShape(0))
		r := c.Attrs().Channels
		kernels.ChannelSliceBackward(r[0], r[1], ch, hw, c.OutGrad(), dx, acc)
	}
}
