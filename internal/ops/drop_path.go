package ops

import (
	"fmt"
	"github.com/netc/netc/kernels"

	"github.com/netc/netc/compiler/ir"
)

var dropPath = &Op{
	OpSpec: ir.OpSpec{
		Op: "drop_path", Category: ir.CatRegularizer,
		Doc: "stochastic depth: while training, zero a whole sample's input with probability p and scale the kept ones by 1/(1-p); the identity in evaluation",
		Attrs: []ir.AttrSpec{
			{Name: "p", Kind: ir.KindFloat, Required: true, FloatMin: ir.AtLeast(0), FloatMax: ir.Below(1), Doc: "drop probability, 0 <= p < 1; an expression such as \"0.2 * (first + i) / 16\" schedules it by depth", Field: ir.FieldP},
		},
		Infer:    ir.InferSame,
		Describe: func(n *ir.Node) string { return fmt.Sprintf("%.4g", n.Attrs.P) },
		InPlace:  true,
		Alias:    ir.AliasInference,
		// One mask value (0 or 1/(1-p)) per sample.
		Kept: func(*ir.Node, []ir.Shape) int64 { return 1 },
	},
	Run:  Run{Forward: dropPathForward, Backward: dropPathBackward},
	ONNX: simpleONNX("Identity"), // inference
	Torch: func(n *ir.Node, _ ir.Shape) (string, []TorchArg) {
		return "DropPath", []TorchArg{{Value: n.Attrs.P, Attr: "p", Role: "p"}}
	},
	TorchHelper: `class DropPath(nn.Module):
    """Stochastic depth (torchvision.ops.StochasticDepth, mode "row"): in training, zeroes
    each sample with probability p and scales the others by 1/(1-p)."""

    def __init__(self, p):
        super().__init__()
        self.p = p

    def forward(self, x):
        if not self.training or self.p == 0.0:
            return x
        keep = torch.empty((x.shape[0],) + (1,) * (x.dim() - 1), dtype=x.dtype, device=x.device)
        keep.bernoulli_(1.0 - self.p).div_(1.0 - self.p)
        return x * keep
`,
}

// dropPathForward draws each sample's keep factor while training with noise on; Kept
// holds the factors for backward.
func dropPathForward(c Ctx, train bool) {
	kernels.DropPathForward(float32(c.Attrs().P), train && c.Noise(), c.RNG(), c.In(0), c.Out(), c.Kept())
}

func dropPathBackward(c Ctx) {
	if dx, acc, ok := c.InGrad(0); ok {
		kernels.DropPathBackward(float32(c.Attrs().P), c.Noise(), c.Kept(), c.OutGrad(), dx, acc)
	}
}
