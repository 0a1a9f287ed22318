package kernels

import "testing"

func BenchmarkSGD(b *testing.B) {
	const size = 512 * 512 * 9 // ResNet-18's largest conv weight (2.4M)
	r := newRand(61)
	w, _ := randVec(r, size)
	g, _ := randVec(r, size)
	buf := make([]float32, size)
	for _, o := range []struct {
		name string
		opt  SGD
	}{
		{"plain", SGD{LR: 1e-3}},
		{"momentum_wd", SGD{LR: 1e-3, Momentum: 0.9, WeightDecay: 5e-4}},
		{"nesterov", SGD{LR: 1e-3, Momentum: 0.9, WeightDecay: 5e-4, Nesterov: true}},
	} {
		b.Run(o.name+"/2.4M", func(b *testing.B) {
			for b.Loop() {
				o.opt.Step(w, g, buf, false)
			}
			k := 12 * size // w read+write, g read
			if o.opt.Momentum != 0 {
				k = 20 * size
			}
			benchReport(b, size, k)
		})
	}
}
