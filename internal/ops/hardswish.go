package ops

import (
	"github.com/netc/netc/compiler/ir"
	"github.com/netc/netc/kernels"
)

var hardswish = &Op{
	OpSpec: activationSpec("hardswish", "x * relu6(x + 3) / 6", ir.SavesInput),
	Act: &Activation{
		Forward: func(_ ir.Attrs, x, y kernels.View) { kernels.HardSwishForwardView(x, y) },
		Backward: func(_ ir.Attrs, x, _, dy, dx kernels.View, acc bool) {
			kernels.HardSwishBackwardView(x, dy, dx, acc)
		},
	},
	ONNX:  simpleONNX("HardSwish"),
	Torch: torchModule("nn.Hardswish"),
}
