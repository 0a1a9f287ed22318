package kernels

import "testing"

func BenchmarkCrossEntropy(b *testing.B) {
	for _, bl := range []struct {
		name       string
		n, classes int
	}{{"lenet_256x10", 256, 10}, {"imagenet_64x1000", 64, 1000}} {
		r := newRand(71)
		logits, _ := randVec(r, bl.n*bl.classes)
		d := make([]float32, bl.n*bl.classes)
		labels := make([]int32, bl.n)
		for i := range labels {
			labels[i] = int32(r.IntN(bl.classes))
		}
		b.Run(bl.name, func(b *testing.B) {
			for b.Loop() {
				SoftmaxCrossEntropy(bl.n, bl.classes, logits, labels, d)
			}
			benchReport(b, bl.n*bl.classes, 8*bl.n*bl.classes)
		})
	}
}
