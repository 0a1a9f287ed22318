package kernels

import "testing"

func BenchmarkDropout(b *testing.B) {
	const size = 256 * 4096 // AlexNet/VGG classifier, batch 256
	r := newRand(51)
	x, _ := randVec(r, size)
	dy, _ := randVec(r, size)
	y, mask, dx := make([]float32, size), make([]float32, size), make([]float32, size)
	rng := NewRNG(5)
	b.Run("classifier_256x4096/forward", func(b *testing.B) {
		for b.Loop() {
			DropoutForward(0.5, true, rng, x, y, mask)
		}
		benchReport(b, size, 12*size)
	})
	b.Run("classifier_256x4096/backward", func(b *testing.B) {
		for b.Loop() {
			DropoutBackward(0.5, true, mask, dy, dx, false)
		}
		benchReport(b, size, 12*size)
	})
}
