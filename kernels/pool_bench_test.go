package kernels

import "testing"

var benchPools = []struct {
	name string
	g    PoolGeom
	avg  bool
}{
	{"max3x3s2p1/resnet_stem_64x64x48x48", PoolGeom{N: 64, C: 64, H: 48, W: 48, KH: 3, KW: 3, SH: 2, SW: 2, PH: 1, PW: 1}, false},
	{"max3x3s2/alexnet_32x96x54x54", PoolGeom{N: 32, C: 96, H: 54, W: 54, KH: 3, KW: 3, SH: 2, SW: 2}, false},
	{"max3x3s1p1/googlenet_64x192x12x12", PoolGeom{N: 64, C: 192, H: 12, W: 12, KH: 3, KW: 3, SH: 1, SW: 1, PH: 1, PW: 1}, false},
	{"max3x3s1p1/googlenet_64x528x6x6", PoolGeom{N: 64, C: 528, H: 6, W: 6, KH: 3, KW: 3, SH: 1, SW: 1, PH: 1, PW: 1}, false},
	{"max2x2s2/vgg_8x64x224x224", PoolGeom{N: 8, C: 64, H: 224, W: 224, KH: 2, KW: 2, SH: 2, SW: 2}, false},
	{"avg2x2s2/lenet_256x6x24x24", PoolGeom{N: 256, C: 6, H: 24, W: 24, KH: 2, KW: 2, SH: 2, SW: 2}, true},
	{"avg2x2s2/lenet_256x16x8x8", PoolGeom{N: 256, C: 16, H: 8, W: 8, KH: 2, KW: 2, SH: 2, SW: 2}, true},
	{"avg3x3s2p1_ceil/8x64x56x56", PoolGeom{N: 8, C: 64, H: 56, W: 56, KH: 3, KW: 3, SH: 2, SW: 2, PH: 1, PW: 1, CeilMode: true}, true},
}

func BenchmarkPooling(b *testing.B) {
	for _, bp := range benchPools {
		g := bp.g
		if err := g.Init(); err != nil {
			b.Fatal(err)
		}
		r := newRand(21)
		x, _ := randVec(r, g.InLen())
		dy, _ := randVec(r, g.OutLen())
		y, dx := make([]float32, g.OutLen()), make([]float32, g.InLen())
		in, out := g.InLen(), g.OutLen()
		b.Run(bp.name+"/forward", func(b *testing.B) {
			for b.Loop() {
				if bp.avg {
					AvgPoolForward(g, x, y)
				} else {
					MaxPoolForward(g, x, y)
				}
			}
			benchReport(b, in, 4*(in+out))
		})
		b.Run(bp.name+"/backward", func(b *testing.B) {
			for b.Loop() {
				if bp.avg {
					AvgPoolBackward(g, dy, dx, false)
				} else {
					MaxPoolBackward(g, x, dy, dx, false)
				}
			}
			n := 2*in + out // max: x and dx; avg: dx only, counted the same
			if bp.avg {
				n = in + out
			}
			benchReport(b, in, 4*n)
		})
	}
	for _, ba := range []struct {
		name string
		g    AdaptivePoolGeom
	}{
		{"adaptive1x1/resnet_64x512x3x3", AdaptivePoolGeom{N: 64, C: 512, H: 3, W: 3, OH: 1, OW: 1}},
		{"adaptive1x1/densenet_64x248x6x6", AdaptivePoolGeom{N: 64, C: 248, H: 6, W: 6, OH: 1, OW: 1}},
		{"adaptive3x3/64x64x14x14", AdaptivePoolGeom{N: 64, C: 64, H: 14, W: 14, OH: 3, OW: 3}},
	} {
		g := ba.g
		if err := g.Init(); err != nil {
			b.Fatal(err)
		}
		r := newRand(22)
		x, _ := randVec(r, g.InLen())
		dy, _ := randVec(r, g.OutLen())
		y, dx := make([]float32, g.OutLen()), make([]float32, g.InLen())
		in, out := g.InLen(), g.OutLen()
		b.Run(ba.name+"/forward", func(b *testing.B) {
			for b.Loop() {
				AdaptiveAvgPoolForward(g, x, y)
			}
			benchReport(b, in, 4*(in+out))
		})
		b.Run(ba.name+"/backward", func(b *testing.B) {
			for b.Loop() {
				AdaptiveAvgPoolBackward(g, dy, dx, false)
			}
			benchReport(b, in, 4*(in+out))
		})
	}
}
