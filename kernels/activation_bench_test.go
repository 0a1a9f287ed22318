package kernels

import "testing"

// Benchmarks of the non-convolution kernels at layer sizes from the
// chapter's networks (LeNet-BN batch 256, ResNet-18 at 96x96 batch 64,
// GoogLeNet, VGG), reporting ns per element and GB/s of tensor traffic
// (bytes read plus bytes written, counting each operand once).

// benchReport adds the per-element time and bandwidth of one call that
// touches elems elements and moves bytes bytes.
func benchReport(b *testing.B, elems, bytes int) {
	b.Helper()
	sec := b.Elapsed().Seconds() / float64(b.N)
	b.ReportMetric(sec*1e9/float64(elems), "ns/elem")
	b.ReportMetric(float64(bytes)/sec/1e9, "GB/s")
	b.SetBytes(0)
}

func BenchmarkActivations(b *testing.B) {
	for _, sh := range []struct {
		name string
		n    int
	}{
		{"lenet_256x6x24x24", 256 * 6 * 24 * 24},
		{"resnet_64x64x24x24", 64 * 64 * 24 * 24},
	} {
		r := newRand(11)
		x, _ := randVec(r, sh.n)
		for i := range x {
			x[i] *= 8
		}
		dy, _ := randVec(r, sh.n)
		y, dx := make([]float32, sh.n), make([]float32, sh.n)
		for _, k := range []struct {
			name string
			fwd  func(x, y []float32)
			bwd  func(y, dy, dx []float32, acc bool)
		}{
			{"relu", ReLUForward, ReLUBackward},
			{"relu6", ReLU6Forward, ReLU6Backward},
			{"sigmoid", SigmoidForward, SigmoidBackward},
			{"tanh", TanhForward, TanhBackward},
		} {
			b.Run(k.name+"/"+sh.name+"/forward", func(b *testing.B) {
				for b.Loop() {
					k.fwd(x, y)
				}
				benchReport(b, sh.n, 8*sh.n)
			})
			b.Run(k.name+"/"+sh.name+"/backward", func(b *testing.B) {
				k.fwd(x, y)
				for b.Loop() {
					k.bwd(y, dy, dx, false)
				}
				benchReport(b, sh.n, 12*sh.n)
			})
		}
	}
	// A channel slice of a concat buffer: strided views, 64 samples.
	const n, per = 64, 64 * 24 * 24
	r := newRand(12)
	buf, _ := randVec(r, n*2*per)
	out := make([]float32, n*2*per)
	xv := View{Data: buf[per:], N: n, Len: per, Stride: 2 * per}
	yv := View{Data: out, N: n, Len: per, Stride: 2 * per}
	b.Run("relu/view_64x64x24x24_of_128/forward", func(b *testing.B) {
		for b.Loop() {
			ReLUForwardView(xv, yv)
		}
		benchReport(b, n*per, 8*n*per)
	})
	b.Run("sigmoid/view_64x64x24x24_of_128/forward", func(b *testing.B) {
		for b.Loop() {
			SigmoidForwardView(xv, yv)
		}
		benchReport(b, n*per, 8*n*per)
	})
}
