package plan

import (
	"path/filepath"
	"testing"

	"github.com/netc/netc/compiler"
	"github.com/netc/netc/compiler/ir"
)

func compile(t testing.TB, spec string, opt compiler.Options) *ir.Graph {
	t.Helper()
	g, err := compiler.Check(filepath.Join("..", "..", "specs", spec+".toml"), opt)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

var seven = []string{"alexnet", "vgg11", "nin", "googlenet", "lenet-bn", "resnet18", "densenet"}

func TestPlansAllSpecs(t *testing.T) {
	for _, name := range append(seven, "resnet50", "mobilenet_v2") {
		src := compile(t, name, compiler.Options{})
		for _, mode := range []Mode{Inference, Training} {
			p, err := Build(src, Options{Mode: mode, Batch: 128, Check: true})
			if err != nil {
				t.Fatalf("%s %s: %v", name, mode, err)
			}
			ratio := float64(p.ArenaBytes) / float64(p.LowerBoundBytes)
			t.Logf("%-12s %-9s steps %3d  arena %8.1f MiB  naive %8.1f MiB  bound %8.1f MiB  arena/bound %.3f",
				name, mode, len(p.Steps), mib(p.ArenaBytes), mib(p.NaiveBytes), mib(p.LowerBoundBytes), ratio)
			if ratio > 1.10 {
				t.Errorf("%s %s: arena %.3f x the lower bound; the planner should stay within 1.10", name, mode, ratio)
			}
			if p.LowerBoundBytes > p.ArenaBytes || p.ArenaBytes > p.NaiveBytes {
				t.Errorf("%s %s: bound %d <= arena %d <= naive %d does not hold", name, mode, p.LowerBoundBytes, p.ArenaBytes, p.NaiveBytes)
			}
		}
	}
}

func mib(b int64) float64 { return float64(b) / (1 << 20) }
