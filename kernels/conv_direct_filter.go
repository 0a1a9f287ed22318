package kernels

// ConvDirect's weight gradient: dw[k][t] = Σ over samples and output
// positions p of dy[k][p] * x[tap t's offset + p]. Through im2col and the
// GEMM, LeNet-BN's conv1 (K = 6, 25 taps) spent 8 ms of a 40 ms one-thread
// training step unfolding and packing a 25 x 147456 matrix for a product
// with 6 rows. Here a tile of 3 taps x 8 channels keeps 24 vectors of
// 16-lane partial sums in registers over every output row of every
// sample, loading each input segment once per tap and each gradient
// segment once per channel; the lanes are summed in float64 at the end.
// Tiles write disjoint dw entries and each sums the batch in a fixed
// order, so they run in parallel with results the same for every thread
// count.

// directFilterTaps is the taps of one tile.
const directFilterTaps = 3

// directFilterArgs is one tile over the whole batch; the offsets are the
// assembly's.
type directFilterArgs struct {
	x       *float32 // sample 0, input row 0 (taps are offsets from it)
	dy      *float32 // sample 0, the block's channel 0, position 0
	chans   *[directBlock]int64
	tap     [directFilterTaps]int64 // byte offsets of the tile's taps
	samples int
	rows    int // OH
	ow      int
	xRow    int // bytes per input row
	xSkip   int // bytes from past a sample's last row to the next sample
	dySkip  int
	out     *[directFilterTaps * directBlock * 16]float32
	dyRow   int // bytes per output row (the half kernel)
}

func directBackwardFilter(g ConvGeom, x, dy, dw, ws []float32) {
	if !haveDirectAVX512 {
		if haveDirectAVX2 {
			t := convTask{op: opDirectFilterAVX2, g: g, src: x, src2: dy, dst: dw}
			t.run(directFilterAVX2Tiles(g), g.N*g.OH*g.OW*(directFilterAVX2Taps+directFilterAVX2Chans)/8)
			return
		}
		gemmBackwardFilter(g, g.gemmSplit(false), x, dy, dw, ws)
		return
	}
	taps := g.C * g.KH * g.KW
	tiles := divUp(g.K, directBlock) * divUp(taps, directFilterTaps)
	t := convTask{op: opDirectFilter, g: g, src: x, src2: dy, dst: dw}
	t.run(tiles, g.N*g.OH*g.OW*(directFilterTaps+directBlock)/8)
}

// directFilter computes tiles [lo, hi): tile i is channel block i/tapTiles
// and taps 3*(i%tapTiles) onwards.
func (t *convTask) directFilter(lo, hi int) {
	g := t.g
	taps, ohw := g.C*g.KH*g.KW, g.OH*g.OW
	tapTiles := divUp(taps, directFilterTaps)
	var out [directFilterTaps * directBlock * 16]float32
	var chans [directBlock]int64
	// Rows of at most 8 go two to a vector (LeNet's conv2: rows of 8 left
	// half of every lane idle); the kernel then steps over whole pairs.
	halves, rows := g.OW <= directSegment/2, g.OH
	if halves {
		rows = 2 * divUp(g.OH, 2)
	}
	a := directFilterArgs{x: &t.src[0], chans: &chans, samples: g.N, rows: g.OH, ow: g.OW,
		xRow: 4 * g.W, xSkip: 4 * (g.xStride() - rows*g.W), dySkip: 4 * (g.yStride() - rows*g.OW), out: &out,
		dyRow: 4 * g.OW}
	for tile := lo; tile < hi; tile++ {
		b, t0 := tile/tapTiles, tile%tapTiles*directFilterTaps
		nco, ntap := min(directBlock, g.K-b*directBlock), min(directFilterTaps, taps-t0)
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
		a.dy = &t.src2[b*directBlock*ohw]
		if halves {
			directFilterHalfAVX512(&a)
		} else {
			directFilterAVX512(&a)
		}
		for i := 0; i < ntap; i++ {
			for j := 0; j < nco; j++ {
				var s float64
				for _, v := range out[(i*directBlock+j)*16:][:16] {
					s += float64(v)
				}
				t.dst[(b*directBlock+j)*taps+t0+i] = float32(s)
			}
		}
	}
}
