package runner

import (
	"math"
	"testing"

	"github.com/netc/netc/compiler"
)

// The initializers follow torch.nn.init; the bounds and variances below are theirs,
// worked out by hand for these shapes.
func TestInitializers(t *testing.T) {
	g := compileSpec(t, "lenet-bn", compiler.Options{})
	m, err := NewModel(g)
	if err != nil {
		t.Fatal(err)
	}
	stats := func(x []float32) (lo, hi, mean, variance float64) {
		lo, hi = math.Inf(1), math.Inf(-1)
		for _, v := range x {
			lo, hi = math.Min(lo, float64(v)), math.Max(hi, float64(v))
			mean += float64(v)
		}
		mean /= float64(len(x))
		for _, v := range x {
			variance += (float64(v) - mean) * (float64(v) - mean)
		}
		return lo, hi, mean, variance / float64(len(x))
	}
	// linear1.weight is 120 x 256: fan_in 256, fan_out 120.
	for _, c := range []struct {
		scheme        string
		bound, stddev float64
	}{
		{InitXavier, math.Sqrt(6.0 / (256 + 120)), math.Sqrt(6.0/(256+120)) / math.Sqrt(3)},
		{InitDefault, 1 / math.Sqrt(256), 1 / math.Sqrt(256) / math.Sqrt(3)},
		{InitKaiming, math.Inf(1), math.Sqrt(2.0 / 120)},
	} {
		if err := m.Params.Init(c.scheme, 5); err != nil {
			t.Fatal(err)
		}
		lo, hi, mean, v := stats(m.Params.Get("linear1.weight").Data)
		if lo < -c.bound || hi > c.bound || math.Abs(mean) > 0.05*c.stddev*10 || math.Abs(math.Sqrt(v)/c.stddev-1) > 0.03 {
			t.Errorf("%s: range [%g, %g] (bound %g), mean %g, std %g (want %g)", c.scheme, lo, hi, c.bound, mean, math.Sqrt(v), c.stddev)
		}
		if bn := m.Params.Get("batchnorm1.weight").Data; bn[0] != 1 || m.Params.Get("batchnorm1.running_var").Data[0] != 1 || m.Params.Get("batchnorm1.bias").Data[0] != 0 {
			t.Errorf("%s: batchnorm not initialized to weight 1, bias 0, var 1", c.scheme)
		}
	}
	if err := m.Params.Init("he", 1); err == nil {
		t.Error("an unknown scheme was accepted")
	}
}
