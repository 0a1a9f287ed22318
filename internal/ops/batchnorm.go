package ops

import (
	"fmt"
	"strings"

	"github.com/netc/netc/compiler/ir"
)

var batchnorm = &Op{
	OpSpec: ir.OpSpec{
		Op: ir.OpBatchNorm, Category: ir.CatNorm,
		Doc: "batch normalization: BatchNorm2d after a feature map, BatchNorm1d after a flat input",
		Attrs: []ir.AttrSpec{
			{Name: "eps", Kind: ir.KindFloat, Default: 1e-5, FloatMin: ir.Above(0), Doc: "added to the variance for stability (> 0)", Field: ir.FieldEps},
			{Name: "momentum", Kind: ir.KindFloat, Default: 0.1, FloatMin: ir.AtLeast(0), FloatMax: ir.AtMost(1), Doc: "weight of the batch statistics in the running averages (0 to 1)", Field: ir.FieldMomentum},
			actAttr,
		},
		Infer: func(n *ir.Node, in []ir.Shape) string {
			x := in[0]
			if len(x) != 3 && len(x) != 1 {
				return fmt.Sprintf("batchnorm needs C x H x W or a flat input, found %s", x)
			}
			if msg := ir.SetShape(n, append(ir.Shape(nil), x...)); msg != "" {
				return msg
			}
			n.Params = 2 * int64(x[0])  // weight (gamma) and bias (beta)
			n.Buffers = 2 * int64(x[0]) // running mean and variance
			return ""
		},
		Tensors: func(_ *ir.Node, in ir.Shape) []ir.Tensor {
			c := []int{in[0]}
			return []ir.Tensor{
				{Suffix: "weight", Shape: c, Trainable: true, Init: ir.InitConst, Value: 1},
				{Suffix: "bias", Shape: c, Trainable: true, Init: ir.InitConst, Value: 0},
				{Suffix: "running_mean", Shape: c, Init: ir.InitConst, Value: 0},
				{Suffix: "running_var", Shape: c, Init: ir.InitConst, Value: 1},
			}
		},
		Describe: func(n *ir.Node) string {
			var parts []string
			if len(n.Shape) == 1 {
				parts = append(parts, "1d")
			}
			if n.Attrs.Eps != 1e-5 {
				parts = append(parts, fmt.Sprintf("eps %g", n.Attrs.Eps))
			}
			if n.Attrs.Momentum != 0.1 {
				parts = append(parts, fmt.Sprintf("momentum %g", n.Attrs.Momentum))
			}
			return strings.Join(parts, " ")
		},
		Saves: ir.SavesInput,
	},
	Run: Run{Custom: "batchnorm"},
	ONNX: func(e Emitter, n *ir.Node, in []string, out string) error {
		ws, err := e.Params(n) // scale, bias, mean, var: netc's order is ONNX's
		if err != nil {
			return err
		}
		// ONNX's momentum weighs the running value (PyTorch's weighs the batch); it only
		// matters to a trainer.
		e.Node(n.Name, "BatchNormalization", append(in, ws...), out,
			AttrFloat("epsilon", n.Attrs.Eps), AttrFloat("momentum", 1-n.Attrs.Momentum))
		return nil
	},
	Torch: func(n *ir.Node, in ir.Shape) (string, []TorchArg) {
		class := "nn.BatchNorm2d"
		if len(in) == 1 {
			class = "nn.BatchNorm1d"
		}
		return class, []TorchArg{inArg(in), {Keyword: "eps", Value: n.Attrs.Eps, Default: 1e-5}, {Keyword: "momentum", Value: n.Attrs.Momentum, Default: 0.1}}
	},
}
