package runner

import (
	"github.com/netc/netc/compiler/plan"
	"github.com/netc/netc/kernels"
)

// ConvChoice is the plan's conv callback: the kernels' cost model picks each
// convolution's algorithm (for an inference plan, by the forward pass's cost alone), and their workspace contract sizes its scratch, so the memory
// planner places exactly what the kernels will use.
func ConvChoice(c plan.ConvInfo) (algo string, forward, backward int64) {
	g := convGeom(c.Attrs, c.In, c.Out, c.Batch, c.InStride, c.OutStride)
	if err := g.Init(); err != nil {
		return kernels.ConvIm2col.String(), 0, 0 // the bind step reports the error
	}
	a := kernels.ChooseConvAlgo(g)
	if c.Mode == plan.Inference {
		a = kernels.ChooseConvAlgoForward(g)
	}
	fwd, bwd := g.Workspace(a)
	if c.PreNorm {
		fwd = g.WorkspacePreNorm(a)
	}
	return a.String(), int64(fwd), int64(bwd)
}

// PlanOptions are the plan options the runner builds with: its conv callback, the
// mode, batch and passes to leave out.
func PlanOptions(mode plan.Mode, batch int, disable []string) plan.Options {
	return plan.Options{Mode: mode, Batch: batch, Disable: disable, Conv: ConvChoice}
}
