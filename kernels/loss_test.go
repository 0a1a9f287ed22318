package kernels

import (
	"math"
	"testing"
)

// TestCrossEntropyHand: logits [[1,2,3],[1,1,1]], labels [2,0].
// Row 0: log(e+e²+e³) - 3 = 0.40760596444438; row 1: log 3 = 1.09861228866811.
// Mean 0.75310912655625; row 0 is right (argmax 2), row 1 ties on class 0
// (the first maximum), which also counts as right.
func TestCrossEntropyHand(t *testing.T) {
	logits := []float32{1, 2, 3, 1, 1, 1}
	d := garbage(6)
	loss, correct := SoftmaxCrossEntropy(2, 3, logits, []int32{2, 0}, d)
	expect(t, "cross-entropy loss", "hand loss", []float32{loss}, []float64{0.75310912655625}, 1e-7)
	if correct != 2 {
		t.Errorf("correct = %d, want 2", correct)
	}
	z := math.Exp(1) + math.Exp(2) + math.Exp(3)
	want := []float64{math.Exp(1) / z / 2, math.Exp(2) / z / 2, (math.Exp(3)/z - 1) / 2, (1.0/3 - 1) / 2, 1.0 / 6, 1.0 / 6}
	expect(t, "cross-entropy grad", "hand grad", d, want, 1e-7)

	// Huge logits must not overflow.
	loss, correct = SoftmaxCrossEntropy(1, 3, []float32{1000, 0, -1000}, []int32{1}, d)
	expect(t, "cross-entropy loss", "stable loss", []float32{loss}, []float64{1000}, 1e-7)
	if correct != 0 || math.IsNaN(float64(d[0])) {
		t.Errorf("stable case: correct %d, grad %v", correct, d[:3])
	}
}

func TestCrossEntropyFD(t *testing.T) {
	const n, k = 5, 7
	r := newRand(900)
	logits, l64 := randVec(r, n*k)
	for i := range logits {
		logits[i] *= 4
		l64[i] *= 4
	}
	labels := []int32{0, 6, 3, 3, 1}
	ref := func() []float64 {
		s := 0.0
		for i := 0; i < n; i++ {
			row := l64[i*k : (i+1)*k]
			z := 0.0
			for _, v := range row {
				z += math.Exp(v)
			}
			s += math.Log(z) - row[labels[i]]
		}
		return []float64{s / n}
	}
	d := garbage(n * k)
	loss, _ := SoftmaxCrossEntropy(n, k, logits, labels, d)
	expect(t, "cross-entropy loss", "fd loss", []float32{loss}, ref(), 1e-6)
	expect(t, "cross-entropy grad", "fd grad", d, fdGrad(l64, []float64{1}, ref), 1e-6)
	// Without dlogits only the loss is computed.
	if l2, _ := SoftmaxCrossEntropy(n, k, logits, labels, nil); l2 != loss {
		t.Errorf("loss without gradient %v != %v", l2, loss)
	}
}
