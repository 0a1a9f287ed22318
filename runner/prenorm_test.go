package runner

import (
	"math"
	"strings"
	"testing"

	"github.com/netc/netc/compiler"
	"github.com/netc/netc/compiler/plan"
	"github.com/netc/netc/kernels"
)

// TestPreNormSameBits: DenseNet's inference plan, whose convs normalise their
// input as they read it (fuse-prenorm), gives the logits of the plan with the
// batchnorm steps, bit for bit, with batchnorm statistics and affine parameters
// away from their initial 0 and 1, on every map size down to 1x1 (Winograd,
// the batched GEMM and pointwise convs among them).
func TestPreNormSameBits(t *testing.T) {
	for _, input := range []string{"1x32x32", "1x64x64"} {
		g := compileSpec(t, "densenet", compiler.Options{Input: input})
		fused := buildNet(t, g, plan.Inference, 3, nil)
		algos := map[string]bool{}
		for _, s := range fused.steps {
			if c, ok := s.(*convStep); ok && c.pre != nil {
				algos[c.algo.String()] = true
			}
		}
		if len(algos) == 0 {
			t.Fatalf("%s: no conv normalises its input", input)
		}
		for i, p := range fused.Params.List {
			for j := range p.Data {
				v := float32(math.Sin(float64(7*i+j))) / 2
				switch {
				case strings.HasSuffix(p.Name, ".running_var"):
					p.Data[j] = 0.5 + v
				case strings.HasSuffix(p.Name, ".running_mean"), strings.HasSuffix(p.Name, "batchnorm.bias"):
					p.Data[j] = v
				case strings.HasSuffix(p.Name, "batchnorm.weight"):
					p.Data[j] = 1 + v
				}
			}
		}
		fused.Params.Version++
		p, err := plan.Build(g, PlanOptions(plan.Inference, 3, []string{"fuse-prenorm"}))
		if err != nil {
			t.Fatal(err)
		}
		apart, err := New(p, fused.Params, kernels.NewRNG(7))
		if err != nil {
			t.Fatal(err)
		}
		for i := range fused.Input() {
			v := float32(math.Sin(float64(i) * 0.37))
			fused.Input()[i], apart.Input()[i] = v, v
		}
		fused.Forward(false)
		apart.Forward(false)
		for i, v := range fused.Logits() {
			if math.Float32bits(v) != math.Float32bits(apart.Logits()[i]) {
				t.Fatalf("%s: logit %d: %v fused, %v with the batchnorm steps", input, i, v, apart.Logits()[i])
			}
		}
		t.Logf("%s: normalising convs on %v", input, algos)
	}
}
