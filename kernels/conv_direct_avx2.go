package kernels

// ConvDirect's forward on AVX2 (no AVX-512): 16 ymm registers hold 8
// output channels of one 8-wide segment, so each call computes one
// segment (LeNet's rows of 24 and 8 are whole segments: plain loads and
// stores) with the same arithmetic as the AVX-512 kernels: bias, then
// each tap's fused multiply-add in order.

// directAVX2Args is one call of directConvAVX2; the offsets are the
// assembly's.
type directAVX2Args struct {
	x       *float32 // input at the segment's first position, tap (0, 0, 0)
	y       *float32 // output at the segment's first position, channel 0
	w       *float32 // [taps][8] weights of the block
	offs    *int64   // byte offset of each tap from x
	taps    int
	ystride int // bytes between output channels
	nco     int // channels to store, 1..8
	bias    *float32
	mask    [8]int32 // -1 for the segment's lanes
	full    uint64   // 1 when all 8 lanes are the segment's
	relu    uint64
}

// directSampleAVX2 is directSample for the AVX2 kernel.
func directSampleAVX2(g ConvGeom, x, y, wp, bp []float32, offs *[directMaxTaps]int64, relu bool) {
	taps, blocks, ohw := g.C*g.KH*g.KW, divUp(g.K, directBlock), g.OH*g.OW
	const width = directSegment / 2
	segs := divUp(g.OW, width)
	a := directAVX2Args{offs: &offs[0], taps: taps, ystride: 4 * ohw}
	if relu {
		a.relu = 1
	}
	for b := 0; b < blocks; b++ {
		a.w, a.bias = &wp[b*taps*directBlock], &bp[b*directBlock]
		a.nco = min(directBlock, g.K-b*directBlock)
		yb := y[b*directBlock*ohw:]
		for oh := 0; oh < g.OH; oh++ {
			for s := 0; s < segs; s++ {
				c0 := s * width
				n := min(width, g.OW-c0)
				a.x, a.y = &x[oh*g.W+c0], &yb[oh*g.OW+c0]
				a.full = 0
				if n == width {
					a.full = 1
				}
				for i := range a.mask {
					a.mask[i] = 0
					if i < n {
						a.mask[i] = -1
					}
				}
				directConvAVX2(&a)
			}
		}
	}
}
