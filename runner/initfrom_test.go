package runner

import (
	"math"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/netc/netc/compiler"
	"github.com/netc/netc/compiler/plan"
	"github.com/netc/netc/internal/data"
	"github.com/netc/netc/tensorio"
)

// TestInitFromMatchesByNameAndShape: a file with one tensor that fits, one whose shape
// differs and one the network does not have loads the first exactly, leaves the second
// as initialized and reports all three.
func TestInitFromMatchesByNameAndShape(t *testing.T) {
	g := compileSpec(t, "lenet-bn", compiler.Options{})
	m, err := NewModel(g)
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Params.Init(InitXavier, 0); err != nil {
		t.Fatal(err)
	}
	w1 := m.Params.Get("conv1.weight")
	fc3 := m.Params.Get("linear3.weight")
	if w1 == nil || fc3 == nil {
		t.Fatalf("lenet-bn has no conv1.weight / linear3.weight: %v", names(m.Params))
	}
	fits := make([]float32, len(w1.Data))
	for i := range fits {
		fits[i] = float32(i) * 0.25
	}
	before := slices.Clone(fc3.Data)
	file := filepath.Join(t.TempDir(), "w.safetensors")
	err = tensorio.WriteFile(file, []tensorio.Tensor{
		{Name: "conv1.weight", Shape: w1.Shape, Data: fits},
		{Name: "linear3.weight", Shape: []int{100, 84}, Data: make([]float32, 100*84)}, // a 100-class head
		{Name: "fc.weight", Shape: []int{2}, Data: []float32{1, 2}},
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := m.Params.InitFrom(file)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(rep.Loaded, []string{"conv1.weight"}) || !slices.Equal(rep.Unused, []string{"fc.weight"}) {
		t.Errorf("loaded %v, unused %v", rep.Loaded, rep.Unused)
	}
	if len(rep.Mismatched) != 1 || rep.Mismatched[0] != "linear3.weight: file [100 84], network [10 84]" {
		t.Errorf("mismatched %q", rep.Mismatched)
	}
	if len(rep.Kept) != len(m.Params.List)-2 || slices.Contains(rep.Kept, "conv1.weight") || slices.Contains(rep.Kept, "linear3.weight") {
		t.Errorf("kept %v", rep.Kept)
	}
	if !slices.Equal(w1.Data, fits) || !slices.Equal(fc3.Data, before) {
		t.Error("conv1.weight was not copied exactly, or the mismatched head changed")
	}

	// A file that fits nothing is for another network.
	other := filepath.Join(t.TempDir(), "other.safetensors")
	if err := tensorio.WriteFile(other, []tensorio.Tensor{{Name: "fc.weight", Shape: []int{2}, Data: []float32{1, 2}}}, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := m.Params.InitFrom(other); err == nil || !strings.Contains(err.Error(), "no tensor matches") {
		t.Errorf("got %v", err)
	}

	// A NaN in a tensor the network has is refused before anything is copied.
	fits[5] = float32(math.NaN())
	nan := filepath.Join(t.TempDir(), "nan.safetensors")
	if err := tensorio.WriteFile(nan, []tensorio.Tensor{{Name: "conv1.weight", Shape: w1.Shape, Data: fits}}, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := m.Params.InitFrom(nan); err == nil || !strings.Contains(err.Error(), "conv1.weight holds NaN at index 5") {
		t.Errorf("NaN in conv1.weight: got %v", err)
	}
}

// TestFreezeKeepsParametersBitIdentical trains LeNet-BN for a few steps with conv1 and
// the first batchnorm frozen, under SGD with momentum and weight decay and under AdamW
// (both would move a parameter with a zero gradient): the frozen parameters keep every
// bit, the others move, and the frozen conv's weight gradient is never computed.
func TestFreezeKeepsParametersBitIdentical(t *testing.T) {
	ds, err := data.LoadEmbedded()
	if err != nil {
		t.Fatal(err)
	}
	g := compileSpec(t, "lenet-bn", compiler.Options{})
	for _, cfg := range []OptimizerConfig{
		{Name: OptSGD, LR: 0.5, Momentum: 0.9, WeightDecay: 1e-3, Nesterov: true},
		{Name: OptAdamW, LR: 1e-2, WeightDecay: 0.1},
	} {
		t.Run(cfg.Name, func(t *testing.T) {
			m, err := NewModel(g)
			if err != nil {
				t.Fatal(err)
			}
			if err := m.Params.Init(InitXavier, 1); err != nil {
				t.Fatal(err)
			}
			frozen, err := m.Params.Freeze([]string{"conv1", "batchnorm1."})
			if err != nil {
				t.Fatal(err)
			}
			want := []string{"conv1.weight", "conv1.bias", "batchnorm1.weight", "batchnorm1.bias"}
			slices.Sort(want)
			slices.Sort(frozen)
			if !slices.Equal(frozen, want) {
				t.Fatalf("froze %v, want %v", frozen, want)
			}
			start := map[string][]float32{}
			for _, p := range m.Params.List {
				start[p.Name] = slices.Clone(p.Data)
			}
			opt, err := NewOptimizer(m.Params, cfg)
			if err != nil {
				t.Fatal(err)
			}
			const batch = 32
			net, err := m.Net(plan.Training, batch)
			if err != nil {
				t.Fatal(err)
			}
			labels := make([]int32, batch)
			for step := range 5 {
				for i := range labels {
					ix := step*batch + i
					for j, b := range ds.Train.Image(ix) {
						net.Input()[i*784+j] = float32(b) / 255
					}
					labels[i] = int32(ds.Train.Labels[ix])
				}
				net.Forward(true)
				net.Loss(labels)
				net.Backward()
				ClipGradNorm(m.Params, 1)
				opt.Step()
			}
			for _, p := range m.Params.List {
				same := slices.Equal(p.Data, start[p.Name])
				switch {
				case p.Frozen && !same:
					t.Errorf("frozen %s changed", p.Name)
				case p.Trainable && !p.Frozen && same:
					t.Errorf("%s did not train", p.Name)
				}
			}
			for _, v := range m.Params.Get("conv1.weight").Grad {
				if v != 0 {
					t.Fatal("the frozen conv1's weight gradient was computed")
				}
			}
		})
	}
	m, _ := NewModel(g)
	if _, err := m.Params.Freeze([]string{"conv"}); err == nil || !strings.Contains(err.Error(), "conv1") {
		t.Errorf("a prefix matching no whole name segment: got %v", err)
	}
}

func names(ps *Params) []string {
	var out []string
	for _, p := range ps.List {
		out = append(out, p.Name)
	}
	return out
}
