package kernels

// ConvDirect's weight gradient on AVX2 (no AVX-512): with 16 ymm
// registers a tile is 2 taps x 4 channels (8 accumulators, two inputs, one
// gradient and a mask), over the whole batch as directFilter's tiles are.
// Lanes are 8 wide, so the float64 lane sums see other partial sums than
// the AVX-512 kernel's 16: results agree to rounding, not bit for bit;
// they are the same for every thread count.

const (
	directFilterAVX2Taps  = 2
	directFilterAVX2Chans = 4
)

// directFilterAVX2Args is one tile over the whole batch; the offsets are
// the assembly's.
type directFilterAVX2Args struct {
	x       *float32 // sample 0, input row 0 (taps are offsets from it)
	dy      *float32 // sample 0, the tile's channel 0, position 0
	chans   *[directFilterAVX2Chans]int64
	tap     [directFilterAVX2Taps]int64 // byte offsets of the tile's taps
	samples int
	rows    int // OH
	segs    int // whole 8-wide segments per row
	tail    int // outputs of the partial segment, 0..7
	xRow    int // bytes per input row
	xSkip   int // bytes from past a sample's last row to the next sample
	dySkip  int
	out     *[directFilterAVX2Taps * directFilterAVX2Chans * 8]float32
	mask    [8]int32 // -1 for the partial segment's lanes
}

// directFilterAVX2Tiles is the tile count of g's weight gradient.
func directFilterAVX2Tiles(g ConvGeom) int {
	return divUp(g.K, directFilterAVX2Chans) * divUp(g.C*g.KH*g.KW, directFilterAVX2Taps)
}

// directFilterAVX2 computes tiles [lo, hi): tile i is channels
// 4*(i/tapTiles) onwards and taps 2*(i%tapTiles) onwards.
func (t *convTask) directFilterAVX2(lo, hi int) {
	g := t.g
	taps, ohw := g.C*g.KH*g.KW, g.OH*g.OW
	tapTiles := divUp(taps, directFilterAVX2Taps)
	var out [directFilterAVX2Taps * directFilterAVX2Chans * 8]float32
	var chans [directFilterAVX2Chans]int64
	a := directFilterAVX2Args{x: &t.src[0], chans: &chans, samples: g.N, rows: g.OH, segs: g.OW / 8, tail: g.OW % 8,
		xRow: 4 * g.W, xSkip: 4 * (g.xStride() - g.OH*g.W), dySkip: 4 * (g.yStride() - ohw), out: &out}
	for i := range a.mask {
		if i < a.tail {
			a.mask[i] = -1
		}
	}
	for tile := lo; tile < hi; tile++ {
		c0, t0 := tile/tapTiles*directFilterAVX2Chans, tile%tapTiles*directFilterAVX2Taps
		nco, ntap := min(directFilterAVX2Chans, g.K-c0), min(directFilterAVX2Taps, taps-t0)
		for j := range chans {
			chans[j] = 0 // channels past K re-read channel 0; their sums are dropped
			if j < nco {
				chans[j] = int64(4 * j * ohw)
			}
		}
		for i := range a.tap {
			tp := t0 + min(i, ntap-1) // a short tile repeats its last tap
			ci, k := tp/(g.KH*g.KW), tp%(g.KH*g.KW)
			a.tap[i] = int64(4 * (ci*g.H*g.W + k/g.KW*g.W + k%g.KW))
		}
		a.dy = &t.src2[c0*ohw]
		directFilterAVX2(&a)
		for i := 0; i < ntap; i++ {
			for j := 0; j < nco; j++ {
				var s float64
				for _, v := range out[(i*directFilterAVX2Chans+j)*8:][:8] {
					s += float64(v)
				}
				t.dst[(c0+j)*taps+t0+i] = float32(s)
			}
		}
	}
}
