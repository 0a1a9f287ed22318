package runner

import (
	"math"
	"testing"

	"github.com/netc/netc/compiler"
	"github.com/netc/netc/compiler/plan"
	"github.com/netc/netc/kernels"
)

// TestInferencePackedWeightsFollowParams: an inference net packs its conv
// weights once, and repacks them when the parameters change (Version): after
// the weights change, its logits are those of a net built fresh on the new
// weights, and differ from the old ones.
func TestInferencePackedWeightsFollowParams(t *testing.T) {
	g := compileSpec(t, "resnet18", compiler.Options{Input: "1x32x32"})
	n := buildNet(t, g, plan.Inference, 2, nil)
	packed := 0
	for _, s := range n.steps {
		if c, ok := s.(*convStep); ok && c.pw != nil {
			packed++
		}
	}
	if packed == 0 {
		t.Fatal("no conv step runs with packed weights")
	}
	for i := range n.Input() {
		n.Input()[i] = float32(math.Sin(float64(i)))
	}
	n.Forward(false)
	before := append([]float32(nil), n.Logits()...)
	for _, p := range n.Params.List {
		if len(p.Shape) == 4 { // conv weights
			for i := range p.Data {
				p.Data[i] *= -0.5
			}
		}
	}
	n.Params.Version++
	n.Forward(false)

	fresh, err := New(n.Plan, n.Params, kernels.NewRNG(7))
	if err != nil {
		t.Fatal(err)
	}
	copy(fresh.Input(), n.Input())
	fresh.Forward(false)
	same := true
	for i, v := range n.Logits() {
		if math.Float32bits(v) != math.Float32bits(fresh.Logits()[i]) {
			t.Fatalf("logit %d: %v after the change, %v from a fresh net", i, v, fresh.Logits()[i])
		}
		same = same && v == before[i]
	}
	if same {
		t.Fatal("changing the conv weights left the logits as they were")
	}
}
