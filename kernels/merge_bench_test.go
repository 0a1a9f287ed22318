package kernels

import "testing"

func BenchmarkMerge(b *testing.B) {
	const n, c, hw = 64, 64, 24 * 24
	size := n * c * hw
	r := newRand(41)
	a, _ := randVec(r, size)
	bb, _ := randVec(r, size)
	y := make([]float32, size)
	cat := make([]float32, 2*size)
	b.Run("add/resnet_64x64x24x24/forward", func(b *testing.B) {
		for b.Loop() {
			AddForward(a, bb, y)
		}
		benchReport(b, size, 12*size)
	})
	b.Run("add/resnet_64x64x24x24/backward_acc", func(b *testing.B) {
		for b.Loop() {
			AddBackward(a, y, true)
		}
		benchReport(b, size, 12*size)
	})
	b.Run("concat/64x(64+64)x24x24/forward", func(b *testing.B) {
		for b.Loop() {
			ConcatForward(n, hw, c, 0, 2*c, a, cat)
			ConcatForward(n, hw, c, c, 2*c, bb, cat)
		}
		benchReport(b, 2*size, 16*size)
	})
	b.Run("concat/64x(64+64)x24x24/backward_acc", func(b *testing.B) {
		for b.Loop() {
			ConcatBackward(n, hw, c, 0, 2*c, cat, y, true)
		}
		benchReport(b, size, 12*size)
	})
}
