package runner

import (
	"testing"

	"github.com/netc/netc/compiler"
	"github.com/netc/netc/compiler/plan"
)

// TestConvChoiceByMode: the plan's conv callback weighs the forward alone
// for an inference plan. ResNet-18's stage-1 3x3 convs (64 channels,
// 24x24) run Winograd at inference and the batched GEMM in training, whose
// backward passes favour it; its stage-4 convs (3x3 maps) stay on the GEMM
// in both.
func TestConvChoiceByMode(t *testing.T) {
	g := compileSpec(t, "resnet18", compiler.Options{})
	want := map[plan.Mode]map[string]string{
		plan.Inference: {"stage1.residual1.main.conv1": "winograd", "stage4.residual2.main.conv1": "gemm"},
		plan.Training:  {"stage1.residual1.main.conv1": "gemm", "stage4.residual2.main.conv1": "gemm"},
	}
	for mode, steps := range want {
		p, err := plan.Build(g, PlanOptions(mode, 64, nil))
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range p.Steps {
			if algo, ok := steps[s.Name]; ok {
				if s.Algo != algo {
					t.Errorf("%s plan, %s: algorithm %q, want %q", mode, s.Name, s.Algo, algo)
				}
				delete(steps, s.Name)
			}
		}
		for name := range steps {
			t.Errorf("%s plan has no step %s", mode, name)
		}
	}
}
