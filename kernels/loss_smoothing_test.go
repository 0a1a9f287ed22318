package kernels

import (
	"math"
	"testing"
)

// TestCrossEntropySmoothingHand: logits [1,2,3], label 2, eps 0.3. The target is
// (0.1, 0.1, 0.8): loss = -Σ target·log softmax = lse - (0.1+0.2+2.4) = lse - 2.7,
// gradient softmax - target.
func TestCrossEntropySmoothingHand(t *testing.T) {
	z := math.Exp(1) + math.Exp(2) + math.Exp(3)
	lse := math.Log(z)
	d := garbage(3)
	loss, _ := SoftmaxCrossEntropySmoothed(1, 3, 0.3, []float32{1, 2, 3}, []int32{2}, d)
	expect(t, "smoothed loss", "hand loss", []float32{loss}, []float64{lse - 2.7}, 1e-7)
	expect(t, "smoothed grad", "hand grad", d, []float64{math.Exp(1)/z - 0.1, math.Exp(2)/z - 0.1, math.Exp(3)/z - 0.8}, 1e-6)
}

// TestCrossEntropySmoothingFD checks the gradient against float64 finite differences
// of the smoothed loss written out independently.
func TestCrossEntropySmoothingFD(t *testing.T) {
	const n, k, eps = 4, 6, 0.15
	r := newRand(901)
	logits, l64 := randVec(r, n*k)
	labels := []int32{5, 0, 2, 2}
	ref := func() []float64 {
		s := 0.0
		for i := 0; i < n; i++ {
			row := l64[i*k : (i+1)*k]
			z := 0.0
			for _, v := range row {
				z += math.Exp(v)
			}
			for j, v := range row {
				target := eps / k
				if j == int(labels[i]) {
					target += 1 - eps
				}
				s -= target * (v - math.Log(z))
			}
		}
		return []float64{s / n}
	}
	d := garbage(n * k)
	loss, _ := SoftmaxCrossEntropySmoothed(n, k, eps, logits, labels, d)
	expect(t, "smoothed loss", "fd loss", []float32{loss}, ref(), 1e-6)
	expect(t, "smoothed grad", "fd grad", d, fdGrad(l64, []float64{1}, ref), 1e-6)
}
