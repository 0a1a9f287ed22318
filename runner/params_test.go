package runner

import (
	"math"
	"path/filepath"
	"strings"
	"testing"

	"github.com/netc/netc/compiler"
	"github.com/netc/netc/tensorio"
)

// TestLoadRefusesNonFiniteWeights: weights holding a NaN or an infinity (a diverged run
// saved by another tool, a damaged file) are refused when loaded into a model, naming
// the tensor and the index of its first bad value; finite weights load.
func TestLoadRefusesNonFiniteWeights(t *testing.T) {
	g := compileSpec(t, "lenet-bn", compiler.Options{})
	m, err := NewModel(g)
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Params.Init(InitXavier, 1); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	good := filepath.Join(dir, "good.safetensors")
	if err := m.Params.Save(good, nil); err != nil {
		t.Fatal(err)
	}
	// conv1.weight is 6x1x5x5: flat index 37 is [1 0 2 2] (37 = 1·25 + 2·5 + 2).
	// batchnorm1's running_var has 6 values; index 4 holds +Inf.
	ts := m.Params.Tensors()
	for i := range ts {
		ts[i].Data = append([]float32(nil), ts[i].Data...)
		switch ts[i].Name {
		case "conv1.weight":
			ts[i].Data[37] = float32(math.NaN())
			ts[i].Data[40] = float32(math.Inf(-1))
		case "batchnorm1.running_var":
			ts[i].Data[4] = float32(math.Inf(1))
		}
	}
	bad := filepath.Join(dir, "bad.safetensors")
	if err := tensorio.WriteFile(bad, ts, nil); err != nil {
		t.Fatal(err)
	}
	_, err = m.Params.Load(bad)
	for _, want := range []string{
		bad + ": conv1.weight holds NaN at index 37, [1 0 2 2] of shape [6 1 5 5]",
		bad + ": batchnorm1.running_var holds +Inf at index 4, [4] of shape [6]",
	} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error %v\nwant it to say %q", err, want)
		}
	}
	if _, err := m.Params.Load(good); err != nil {
		t.Errorf("finite weights: %v", err)
	}
}
