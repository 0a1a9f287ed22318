package runner

import (
	"math"
	"path/filepath"
	"testing"

	"github.com/netc/netc/compiler"
	"github.com/netc/netc/compiler/ir"
	"github.com/netc/netc/compiler/plan"
	"github.com/netc/netc/kernels"
)

func compileSpec(t testing.TB, name string, opt compiler.Options) *ir.Graph {
	t.Helper()
	g, err := compiler.Check(filepath.Join("..", "specs", name+".toml"), opt)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

func buildNet(t testing.TB, g *ir.Graph, mode plan.Mode, batch int, disable []string) *Net {
	t.Helper()
	p, err := plan.Build(g, PlanOptions(mode, batch, disable))
	if err != nil {
		t.Fatal(err)
	}
	ps := NewParams(p.Params)
	if err := ps.Init(InitXavier, 1); err != nil {
		t.Fatal(err)
	}
	n, err := New(p, ps, kernels.NewRNG(7))
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestSmokeTrainingStep(t *testing.T) {
	for _, name := range []string{"lenet-bn", "googlenet", "resnet18", "densenet"} {
		g := compileSpec(t, name, compiler.Options{Input: "1x32x32"})
		n := buildNet(t, g, plan.Training, 2, nil)
		for i := range n.Input() {
			n.Input()[i] = float32(math.Sin(float64(i)))
		}
		n.Forward(true)
		loss, _ := n.Loss([]int32{1, 2})
		n.Backward()
		if math.IsNaN(float64(loss)) || n.FirstNonFinite() != "" {
			t.Errorf("%s: loss %v, non-finite at %q", name, loss, n.FirstNonFinite())
		}
		t.Logf("%s: loss %.4f", name, loss)
	}
}
