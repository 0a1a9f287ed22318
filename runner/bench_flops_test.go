package runner

import (
	"testing"

	"github.com/netc/netc/compiler"
	"github.com/netc/netc/compiler/plan"
)

// TestProfileCountsTheConvAsItRuns: a transition conv that pool-first moved after its
// pooling is credited with the multiply-adds it does on the pooled map. DenseNet at
// 32x32: 192 channels at 8x8 after the first block, pooled to 4x4, then 192 -> 96
// (192*96*16 MACs per sample; the graph node counts them at 8x8, 4x as many); a dense
// layer's 3x3 conv, 64 -> 32 at 8x8, keeps its node's 64*32*9*64.
func TestProfileCountsTheConvAsItRuns(t *testing.T) {
	g := compileSpec(t, "densenet", compiler.Options{Input: "1x32x32"})
	n := buildNet(t, g, plan.Inference, 2, nil)
	want := map[string]int64{
		"dense_block1.transition.conv":     2 * 2 * 192 * 96 * 16,
		"dense_block1.dense_layer1.f.conv": 2 * 2 * 64 * 32 * 9 * 64,
	}
	n.Forward(false) // folds and packs the weights, as Benchmark does before netc bench profiles
	for _, st := range Profile(n, g, nil, 1) {
		if w, ok := want[st.Name]; ok {
			if st.FLOPs != w {
				t.Errorf("%s: %d FLOPs, want %d", st.Name, st.FLOPs, w)
			}
			delete(want, st.Name)
		}
	}
	if len(want) > 0 {
		t.Errorf("steps not profiled: %v", want)
	}
}

// TestProfileBeforeForward: profiling a fresh inference net (its weights not yet
// folded and packed) runs the same computation Forward does, rather than reading
// weights that are not there yet.
func TestProfileBeforeForward(t *testing.T) {
	g := compileSpec(t, "resnet18", compiler.Options{Input: "1x32x32"})
	n := buildNet(t, g, plan.Inference, 2, nil)
	Profile(n, g, nil, 1)
	profiled := append([]float32(nil), n.Logits()...)
	n.Forward(false)
	for i, v := range n.Logits() {
		if v != profiled[i] {
			t.Fatalf("logit %d: profiled %v, Forward %v", i, profiled[i], v)
		}
	}
}
