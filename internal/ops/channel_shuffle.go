package ops

import (
	"fmt"
	"github.com/netc/netc/kernels"

	"github.com/netc/netc/compiler/ir"
)

var channelShuffle = &Op{
	OpSpec: ir.OpSpec{
		Op: "channel_shuffle", Category: ir.CatShape,
		Doc: "interleave channel groups: view C as groups x C/groups, transpose, flatten (ShuffleNet)",
		Attrs: []ir.AttrSpec{
			{Name: "groups", Kind: ir.KindInt, Required: true, Min: 1, Doc: "number of groups; must divide the channels", Field: ir.FieldGroups},
		},
		Infer: func(n *ir.Node, in []ir.Shape) string {
			x := in[0]
			if msg := ir.NeedMap(n.Op, x); msg != "" {
				return msg
			}
			if x[0]%n.Attrs.Groups != 0 {
				return fmt.Sprintf("groups = %d does not divide the %d channels", n.Attrs.Groups, x[0])
			}
			return ir.SetShape(n, append(ir.Shape(nil), x...))
		},
		Describe: func(n *ir.Node) string { return fmt.Sprintf("groups %d", n.Attrs.Groups) },
	},
	Run: Run{Forward: channelShuffleForward, Backward: channelShuffleBackward},
	// Reshape to N x g x C/g x H x W, swap the two channel axes, reshape back.
	ONNX: func(e Emitter, n *ir.Node, in []string, out string) error {
		x := e.InputShape(n)
		g, c, h, w := int64(n.Attrs.Groups), int64(x[0]), int64(x[1]), int64(x[2])
		p := n.Name + "/"
		e.Node(p+"split", "Reshape", []string{in[0], e.Int64s(p+"split_shape", 0, g, c/g, h, w)}, p+"split")
		e.Node(p+"swap", "Transpose", []string{p + "split"}, p+"swap", AttrInts("perm", 0, 2, 1, 3, 4))
		e.Node(n.Name, "Reshape", []string{p + "swap", e.Int64s(p+"merge_shape", 0, c, h, w)}, out)
		return nil
	},
	// torch 1.13's nn.ChannelShuffle has no backward, so the module is written out.
	Torch: func(n *ir.Node, _ ir.Shape) (string, []TorchArg) {
		return "ChannelShuffle", []TorchArg{{Value: n.Attrs.Groups, Attr: "groups", Role: "groups"}}
	},
	TorchHelper: `class ChannelShuffle(nn.Module):
    """Interleaves channel groups (ShuffleNet), as torchvision writes it."""

    def __init__(self, groups):
        super().__init__()
        self.groups = groups

    def forward(self, x):
        n, c, h, w = x.shape
        return x.view(n, self.groups, c // self.groups, h, w).transpose(1, 2).contiguous().view(n, c, h, w)
`,
}

func channelShuffleForward(c Ctx, _ bool) {
	ch, hw := channels(c.InShape(0))
	kernels.ChannelShuffleForward(c.Attrs().Groups, ch, hw, c.In(0), c.Out())
}

func channelShuffleBackward(c Ctx) {
	if dx, acc, ok := c.InGrad(0); ok {
		ch, hw := channels(c.InShape(0))
		kernels.ChannelShuffleBackward(c.Attrs().Groups, ch, hw, c.OutGrad(), dx, acc)
	}
}
