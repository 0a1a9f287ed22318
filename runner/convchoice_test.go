package runner

import (
	"testing"

	"github.com/netc/netc/compiler"
	"github.com/netc/netc/compiler/plan"
)

// TestConvChoiceByMode: the plan's conv callback weighs the forward alone
// for an inference plan. DenseNet's first-block 3x3 convs (64 -> 32
// channels, 24x24) run Winograd at inference and the batched GEMM in
// training, whose backward passes favour it; ResNet-18's stage-4 convs (3x3
// maps) stay on the GEMM in both. (ResNet-18's stage-1 convs train on the
// GEMM or on Winograd by the machine's ISA: kernels' TestChooseConvAlgoAVX2.)
func TestConvChoiceByMode(t *testing.T) {
	for _, c := range []struct {
		net  string
		want map[plan.Mode]map[string]string
	}{
		{"resnet18", map[plan.Mode]map[string]string{
			plan.Inference: {"stage1.residual1.main.conv1": "winograd", "stage4.residual2.main.conv1": "gemm"},
			plan.Training:  {"stage4.residual2.main.conv1": "gemm"},
		}},
		{"densenet", map[plan.Mode]map[string]string{
			plan.Inference: {"dense_block1.dense_layer1.f.conv": "winograd"},
			plan.Training:  {"dense_block1.dense_layer1.f.conv": "gemm"},
		}},
	} {
		checkConvChoice(t, c.net, c.want)
	}
}

// checkConvChoice checks the algorithm of the named conv steps of net's
// plans at batch 64.
func checkConvChoice(t *testing.T, net string, want map[plan.Mode]map[string]string) {
	t.Helper()
	g := compileSpec(t, net, compiler.Options{})
	for mode, steps := range want {
		p, err := plan.Build(g, PlanOptions(mode, 64, nil))
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range p.Steps {
			if algo, ok := steps[s.Name]; ok {
				if s.Algo != algo {
					t.Errorf("%s %s plan, %s: algorithm %q, want %q", net, mode, s.Name, s.Algo, algo)
				}
				delete(steps, s.Name)
			}
		}
		for name := range steps {
			t.Errorf("%s %s plan has no step %s", net, mode, name)
		}
	}
}
