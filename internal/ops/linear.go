package ops

import (
	"fmt"

	"github.com/netc/netc/compiler/ir"
)

var linear = &Op{
	OpSpec: ir.OpSpec{
		Op: ir.OpLinear, Category: ir.CatLinear,
		Doc: "fully connected layer on a flat input; input features are inferred",
		Attrs: []ir.AttrSpec{
			{Name: "out", Kind: ir.KindInt, Required: true, Min: 1, Doc: "output features", Field: ir.FieldOut},
			{Name: "bias", Kind: ir.KindBool, Default: true, Doc: "learn an additive bias", Field: ir.FieldBias},
			actAttr,
		},
		Infer: func(n *ir.Node, in []ir.Shape) string {
			x := in[0]
			if len(x) != 1 {
				return fmt.Sprintf("linear needs a flat input, found %s; add { op = \"flatten\" } before it", x)
			}
			if msg := ir.SetShape(n, ir.Shape{n.Attrs.Out}); msg != "" {
				return msg
			}
			w, ok := ir.MulChecked(int64(n.Attrs.Out), int64(x[0]))
			if !ok {
				return "parameter count overflows 64 bits"
			}
			n.Params, n.MACs = w, w
			if n.Attrs.Bias {
				n.Params += int64(n.Attrs.Out)
			}
			return ""
		},
		Tensors: func(n *ir.Node, in ir.Shape) []ir.Tensor { return ir.WeightAndBias(n, []int{n.Attrs.Out, in[0]}) },
		Describe: func(n *ir.Node) string {
			if !n.Attrs.Bias {
				return fmt.Sprintf("%d no bias", n.Attrs.Out)
			}
			return fmt.Sprint(n.Attrs.Out)
		},
		Saves: ir.SavesInput,
	},
	Run: Run{Custom: "linear"},
	ONNX: func(e Emitter, n *ir.Node, in []string, out string) error {
		ws, err := e.Params(n)
		if err != nil {
			return err
		}
		e.Node(n.Name, "Gemm", append(in, ws...), out, AttrInt("transB", 1)) // x W^T + b, PyTorch's layout
		return nil
	},
	Torch: func(n *ir.Node, in ir.Shape) (string, []TorchArg) {
		return "nn.Linear", []TorchArg{inArg(in), {Value: n.Attrs.Out, Attr: "out", Role: "out"}, {Keyword: "bias", Value: n.Attrs.Bias, Default: true}}
	},
}
