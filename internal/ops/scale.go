package ops

import (
	"fmt"
	"github.com/netc/netc/kernels"

	"github.com/netc/netc/compiler/ir"
)

var scale = &Op{
	OpSpec: ir.OpSpec{
		Op: "scale", Category: ir.CatElementwise,
		Doc: "multiply each channel by a learned factor (ConvNeXt's layer scale)",
		Attrs: []ir.AttrSpec{
			{Name: "init", Kind: ir.KindFloat, Default: 1.0, Doc: "the factors' initial value (ConvNeXt: 1e-6)", Field: ir.FieldInit},
		},
		Infer: func(n *ir.Node, in []ir.Shape) string {
			if msg := ir.SetShape(n, append(ir.Shape(nil), in[0]...)); msg != "" {
				return msg
			}
			n.Params = int64(in[0][0])
			return ""
		},
		// One factor per channel, shaped C x 1 x 1 on a feature map as torchvision keeps
		// ConvNeXt's layer_scale, so its weights pair by shape.
		Tensors: func(n *ir.Node, in ir.Shape) []ir.Tensor {
			shape := []int{in[0]}
			if len(in) == 3 {
				shape = []int{in[0], 1, 1}
			}
			return []ir.Tensor{{Suffix: "weight", Shape: shape, Trainable: true, Init: ir.InitConst, Value: n.Attrs.Init}}
		},
		Describe: func(n *ir.Node) string { return fmt.Sprintf("init %g", n.Attrs.Init) },
		Saves:    ir.SavesInput,
	},
	Run: Run{Forward: scaleForward, Backward: scaleBackward},
	ONNX: func(e Emitter, n *ir.Node, in []string, out string) error {
		ws, err := e.Params(n)
		if err != nil {
			return err
		}
		e.Node(n.Name, "Mul", append(in, ws...), out)
		return nil
	},
	Torch: func(n *ir.Node, in ir.Shape) (string, []TorchArg) {
		class := "Scale2d"
		if len(in) == 1 {
			class = "Scale"
		}
		return class, []TorchArg{inArg(in), {Keyword: "init", Value: n.Attrs.Init, Default: 1.0, Attr: "init"}}
	},
	TorchHelper: `class Scale(nn.Module):
    """Multiplies each feature by a learned factor."""

    def __init__(self, features, init=1.0):
        super().__init__()
        self.weight = nn.Parameter(torch.full((features,), float(init)))

    def forward(self, x):
        return x * self.weight


class Scale2d(nn.Module):
    """Multiplies each channel of an N x C x H x W tensor by a learned factor."""

    def __init__(self, channels, init=1.0):
        super().__init__()
        self.weight = nn.Parameter(torch.full((channels, 1, 1), float(init)))

    def forward(self, x):
        return x * self.weight
`,
}

func scaleForward(c Ctx, _ bool) {
	ch, hw := channels(c.InShape(0))
	w, _ := c.Param("weight")
	kernels.ScaleForward(ch, hw, c.In(0), c.Out(), w)
}

func scaleBackward(c Ctx) {
	ch, hw := channels(c.InShape(0))
	w, dw := c.Param("weight")
	dx, acc, _ := c.InGrad(0)
	kernels.ScaleBackward(ch, hw, c.In(0), c.OutGrad(), w, dx, acc, dw)
}
