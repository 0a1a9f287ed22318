package runner

import (
	"math"
	"testing"
)

// TestFuseAddReLUSameBits runs a ResNet-18 training step and an evaluation with the
// add+relu fusion and without it (the add and the ReLU as separate steps, the path the
// parity tests hold to PyTorch): the logits, the loss and every gradient must agree bit
// for bit, as relu(a+b) in float32 rounds once, the same in one pass or two.
func TestFuseAddReLUSameBits(t *testing.T) {
	train, loss, grads, eval := runWith(t, "resnet18", "1x32x32", nil)
	tr, l, gr, ev := runWith(t, "resnet18", "1x32x32", []string{"fuse-add-relu"})
	same := func(what string, a, b []float32) {
		t.Helper()
		if len(a) != len(b) {
			t.Fatalf("%s: %d values, unfused %d", what, len(a), len(b))
		}
		for i := range a {
			if math.Float32bits(a[i]) != math.Float32bits(b[i]) {
				t.Fatalf("%s[%d] = %v, unfused %v", what, i, a[i], b[i])
			}
		}
	}
	same("train logits", train, tr)
	same("eval logits", eval, ev)
	same("loss", []float32{loss}, []float32{l})
	if len(grads) != len(gr) {
		t.Fatalf("%d gradients, unfused %d", len(grads), len(gr))
	}
	for k, g := range grads {
		same("gradient "+k, g, gr[k])
	}
}
