package runner

import (
	"testing"

	"github.com/netc/netc/compiler"
	"github.com/netc/netc/compiler/plan"
)

// TestArenaNearLowerBound plans every spec as the runner does, conv scratch
// (im2col, Winograd transforms) included, at batch 128: the arena must stay
// within 1.10x the most bytes live at once. compiler/plan checks the same
// without scratch; scratch is what made LeNet-BN's training plan 1.12x under
// size and lifetime order alone.
func TestArenaNearLowerBound(t *testing.T) {
	for _, name := range []string{"alexnet", "vgg11", "nin", "googlenet", "lenet-bn", "resnet18", "densenet", "resnet50", "mobilenet_v2"} {
		g := compileSpec(t, name, compiler.Options{})
		for _, mode := range []plan.Mode{plan.Inference, plan.Training} {
			p, err := plan.Build(g, PlanOptions(mode, 128, nil))
			if err != nil {
				t.Fatalf("%s %s: %v", name, mode, err)
			}
			ratio := float64(p.ArenaBytes) / float64(p.LowerBoundBytes)
			t.Logf("%-12s %-9s arena %8.1f MiB  naive %8.1f MiB  bound %8.1f MiB  arena/bound %.3f",
				name, mode, mib(p.ArenaBytes), mib(p.NaiveBytes), mib(p.LowerBoundBytes), ratio)
			if ratio > 1.10 {
				t.Errorf("%s %s: arena %.3f x the lower bound, want at most 1.10", name, mode, ratio)
			}
		}
	}
}

func mib(b int64) float64 { return float64(b) / (1 << 20) }
