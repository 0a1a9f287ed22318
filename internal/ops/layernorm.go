package ops

import (
	"fmt"
	"github.com/netc/netc/kernels"

	"github.com/netc/netc/compiler/ir"
)

var layernorm = &Op{
	OpSpec: ir.OpSpec{
		Op: "layernorm", Category: ir.CatNorm,
		Doc: "layer normalization over the channels at each position of a feature map (ConvNeXt's LayerNorm2d), or over the features of a flat input",
		Attrs: []ir.AttrSpec{
			{Name: "eps", Kind: ir.KindFloat, Default: 1e-6, FloatMin: ir.Above(0), Doc: "added to the variance for stability (> 0; ConvNeXt's 1e-6)", Field: ir.FieldEps},
		},
		Infer: func(n *ir.Node, in []ir.Shape) string {
			x := in[0]
			if len(x) != 3 && len(x) != 1 {
				return fmt.Sprintf("layernorm needs C x H x W or a flat input, found %s", x)
			}
			if msg := ir.SetShape(n, append(ir.Shape(nil), x...)); msg != "" {
				return msg
			}
			n.Params = 2 * int64(x[0])
			return ""
		},
		Tensors: func(_ *ir.Node, in ir.Shape) []ir.Tensor {
			c := []int{in[0]}
			return []ir.Tensor{
				{Suffix: "weight", Shape: c, Trainable: true, Init: ir.InitConst, Value: 1},
				{Suffix: "bias", Shape: c, Trainable: true, Init: ir.InitConst, Value: 0},
			}
		},
		Describe: func(n *ir.Node) string {
			if n.Attrs.Eps != 1e-6 {
				return fmt.Sprintf("eps %g", n.Attrs.Eps)
			}
			return ""
		},
		Saves: ir.SavesInput,
		// The mean and 1/sqrt(var + eps) of every position, for backward.
		Kept: func(n *ir.Node, in []ir.Shape) int64 { return 2 * positions(in[0]) },
	},
	Run: Run{Forward: layerNormForward, Backward: layerNormBackward},
	// ONNX's LayerNormalization normalizes trailing axes: a feature map goes to
	// channels-last and back.
	ONNX: func(e Emitter, n *ir.Node, in []string, out string) error {
		ws, err := e.Params(n)
		if err != nil {
			return err
		}
		eps := AttrFloat("epsilon", n.Attrs.Eps)
		if len(e.InputShape(n)) == 1 {
			e.Node(n.Name, "LayerNormalization", append(in, ws...), out, AttrInt("axis", -1), eps)
			return nil
		}
		p := n.Name + "/"
		e.Node(p+"nhwc", "Transpose", in, p+"nhwc", AttrInts("perm", 0, 2, 3, 1))
		e.Node(p+"norm", "LayerNormalization", append([]string{p + "nhwc"}, ws...), p+"norm", AttrInt("axis", -1), eps)
		e.Node(n.Name, "Transpose", []string{p + "norm"}, out, AttrInts("perm", 0, 3, 1, 2))
		return nil
	},
	Torch: func(n *ir.Node, in ir.Shape) (string, []TorchArg) {
		class := "LayerNorm2d"
		if len(in) == 1 {
			class = "nn.LayerNorm"
		}
		return class, []TorchArg{inArg(in), {Keyword: "eps", Value: n.Attrs.Eps}}
	},
	TorchHelper: `class LayerNorm2d(nn.LayerNorm):
    """LayerNorm over the channels at each position of an N x C x H x W tensor."""

    def forward(self, x):
        x = x.permute(0, 2, 3, 1)
        x = nn.functional.layer_norm(x, self.normalized_shape, self.weight, self.bias, self.eps)
        return x.permute(0, 3, 1, 2)
`,
}

// positions is the number of spatial positions of a per-sample shape (1 for a flat one).
func positions(s ir.Shape) int64 {
	if len(s) == 3 {
		return int64(s[1]) * int64(s[2])
	}
	return 1
}

func layerNormGeom(c Ctx) kernels.LayerNormGeom {
	ch, hw := channels(c.InShape(0))
	return kernels.LayerNormGeom{C: ch, HW: hw, Eps: c.Attrs().Eps}
}

// layerNormForward normalizes; a training forward keeps each position's mean and
// 1/sqrt(var + eps) (the first and second half of Kept) for backward.
func layerNormForward(c Ctx, train bool) {
	w, _ := c.Param("weight")
	b, _ := c.Param("bias")
	var mean, rstd []float32
	if kept := c.Kept(); train && kept != nil {
		mean, rstd = kept[:len(kept)/2], kept[len(kept)/2:]
	}
	kernels.LayerNormForward(layerNormGeom(c), c.In(0), c.Out(), w, b, mean, rstd)
}

func layerNormBackward(c Ctx) {
	w, dw := c.Param("weight")
	_, db := c.Param("bias")
	kept := c.Kept()
	dx, acc, _ := c.InGrad(0)
	kernels.LayerNormBackward(layerNormGeom(c), c.In(0), c.OutGrad(), w, kept[:len(kept)/2], kept[len(kept)/2:], dx, acc, dw, db)
}
