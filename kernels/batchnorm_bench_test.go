package kernels

import "testing"

func BenchmarkBatchNormLayers(b *testing.B) {
	for _, bb := range []struct {
		name string
		g    BatchNormGeom
		relu bool
	}{
		{"lenet_256x6x24x24", BatchNormGeom{N: 256, C: 6, HW: 24 * 24}, false},
		{"lenet1d_256x120", BatchNormGeom{N: 256, C: 120, HW: 1}, false},
		{"relu/resnet_stem_64x64x48x48", BatchNormGeom{N: 64, C: 64, HW: 48 * 48}, true},
		{"relu/resnet_64x128x12x12", BatchNormGeom{N: 64, C: 128, HW: 12 * 12}, true},
		{"relu/resnet_64x512x3x3", BatchNormGeom{N: 64, C: 512, HW: 3 * 3}, true},
	} {
		g := bb.g
		g.Eps, g.Momentum = 1e-5, 0.1
		if err := g.Init(); err != nil {
			b.Fatal(err)
		}
		r := newRand(31)
		x, _ := randVec(r, g.Len())
		dy, _ := randVec(r, g.Len())
		gamma, _ := randVec(r, g.C)
		beta, _ := randVec(r, g.C)
		y, dx := make([]float32, g.Len()), make([]float32, g.Len())
		rm, rv, sm, si := make([]float32, g.C), make([]float32, g.C), make([]float32, g.C), make([]float32, g.C)
		for i := range rv {
			rv[i] = 1
		}
		dg, db := make([]float32, g.C), make([]float32, g.C)
		n := g.Len()
		b.Run(bb.name+"/forward_train", func(b *testing.B) {
			for b.Loop() {
				if bb.relu {
					BatchNormReLUForwardTrain(g, x, gamma, beta, y, rm, rv, sm, si)
				} else {
					BatchNormForwardTrain(g, x, gamma, beta, y, rm, rv, sm, si)
				}
			}
			benchReport(b, n, 8*n)
		})
		b.Run(bb.name+"/forward_eval", func(b *testing.B) {
			for b.Loop() {
				if bb.relu {
					BatchNormReLUForwardEval(g, x, gamma, beta, rm, rv, y)
				} else {
					BatchNormForwardEval(g, x, gamma, beta, rm, rv, y)
				}
			}
			benchReport(b, n, 8*n)
		})
		b.Run(bb.name+"/backward", func(b *testing.B) {
			BatchNormReLUForwardTrain(g, x, gamma, beta, y, rm, rv, sm, si)
			for b.Loop() {
				if bb.relu {
					BatchNormReLUBackward(g, x, y, dy, gamma, sm, si, dx, dg, db, false)
				} else {
					BatchNormBackward(g, x, dy, gamma, sm, si, dx, dg, db, false)
				}
			}
			k := 12 * n
			if bb.relu {
				k = 16 * n
			}
			benchReport(b, n, k)
		})
	}
}
