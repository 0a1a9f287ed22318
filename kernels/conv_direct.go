package kernels

// Direct convolution for small unpadded stride-1 convs (ConvDirect:
// LeNet's 1->6 and 6->16 5x5 layers). Their GEMMs are a poor fit for the
// 24x16 micro-kernel: 6 or 16 rows and K = 25 or 150, so unfolding the
// input (im2col) and packing it for the GEMM cost more than the
// multiplies; a profile of LeNet-BN inference put 47% of the step in
// im2col and 7% in packing, against 20% in the GEMM itself.
//
// Here each output element is a sum over the taps (ci, ki, kj) of weight
// times input, read straight from x: the kernel keeps 8 output channels of
// two 16-wide output segments in registers and, tap by tap, loads each
// segment's input row once and multiplies it by the 8 channels' weights.
// The weight gradient is direct too (conv_direct_filter.go); the input
// gradient is ConvGEMM's: as a direct conv of zero-padded dy it measured
// slower (25 against 33 GFLOP per CPU-second on LeNet's conv2, most of its
// multiplies by the padding's zeros). With AVX2 but not AVX-512 the
// forward runs conv_direct_avx2.go's kernel; with neither, every pass is
// ConvGEMM's, so the workspace covers both.
//
// Samples are independent items split over the threads; every output
// element is the same arithmetic whichever thread computes it, so results
// do not depend on the thread count.

// directMaxTaps bounds C*KH*KW (the taps' offsets live on the stack).
const directMaxTaps = 1024

// directBlock is the output channels one kernel call keeps in registers.
const directBlock = 8

// directSegment is the output positions of one row one vector covers.
const directSegment = 16

func (g ConvGeom) directOK() bool {
	return g.Groups == 1 && g.SH == 1 && g.SW == 1 && g.DH == 1 && g.DW == 1 && g.PH == 0 && g.PW == 0 &&
		!g.pointwise() && g.C*g.KH*g.KW <= directMaxTaps
}

// directWorkspace is the packed weights ([block][tap][8]) and bias ([block][8]).
func (g ConvGeom) directWorkspace() int {
	blocks := divUp(g.K, directBlock)
	return blocks*g.C*g.KH*g.KW*directBlock + blocks*directBlock
}

func directForward(g ConvGeom, x, w, bias, y, ws []float32, relu bool) {
	if !haveDirectAVX512 && !haveDirectAVX2 {
		gemmForward(g, g.gemmSplit(false), x, w, bias, y, ws, relu)
		return
	}
	wp, bp := packDirect(g, w, bias, ws)
	t := convTask{op: opDirectForward, g: g, src: x, w: wp, bias: bp, dst: y, relu: relu}
	t.run(g.N, g.C*g.KH*g.KW*g.K*g.OH*g.OW/8)
}

// packDirect lays w out as [block][tap][8] (channels past K are zero) and
// bias as [block][8] in ws, and returns the two parts.
func packDirect(g ConvGeom, w, bias, ws []float32) (wp, bp []float32) {
	taps, blocks := g.C*g.KH*g.KW, divUp(g.K, directBlock)
	wp = ws[:blocks*taps*directBlock]
	bp = ws[len(wp) : len(wp)+blocks*directBlock]
	clear(wp)
	clear(bp)
	for k := 0; k < g.K; k++ {
		b, j := k/directBlock, k%directBlock
		for t, v := range w[k*taps : (k+1)*taps] {
			wp[(b*taps+t)*directBlock+j] = v
		}
		if bias != nil {
			bp[k] = bias[k]
		}
	}
	return wp, bp
}

// directArgs is one call of the kernel: two output segments (x0/y0 and
// x1/y1, each up to 16 positions of one row, m0/m1 their lane masks; m1 = 0
// for none) and up to 8 output channels. The field offsets are the
// assembly's.
type directArgs struct {
	x0, x1  *float32 // input at the segment's first position, tap (0, 0, 0)
	y0, y1  *float32 // output at the segment's first position, channel 0
	w       *float32 // [taps][8] weights of the block
	offs    *int64   // byte offset of each tap from x0/x1
	taps    int
	ystride int // bytes between output channels
	nco     int // channels to store, 1..8
	bias    *float32
	m0, m1  uint64
	relu    uint64
}

// directHalfArgs is one call of the half-segment kernel: four output
// segments of up to 8 positions (m[i] = 0 for none), two to a vector.
type directHalfArgs struct {
	x, y    [4]*float32
	w       *float32
	offs    *int64
	taps    int
	ystride int
	nco     int
	bias    *float32
	m       [4]uint64
	relu    uint64
}

// directHalves reports whether rows of ow outputs waste fewer lanes cut
// into 8-wide halves, two to a vector (rows of 8 or 24: LeNet's conv2 and
// conv1), than into 16-wide segments; halves cost an extra load and insert
// per vector and tap.
func directHalves(ow int) bool {
	return divUp(ow, 8)*8 < divUp(ow, 16)*16
}

// directForward computes samples [lo, hi).
func (t *convTask) directForward(lo, hi int) {
	g := t.g
	var offs [directMaxTaps]int64
	directOffsets(g, &offs)
	for n := lo; n < hi; n++ {
		if haveDirectAVX512 {
			directSample(g, t.src[n*g.xStride():], t.dst[n*g.yStride():], t.w, t.bias, &offs, t.relu)
		} else {
			directSampleAVX2(g, t.src[n*g.xStride():], t.dst[n*g.yStride():], t.w, t.bias, &offs, t.relu)
		}
	}
}

// directOffsets sets offs[t] to tap t's byte offset in a sample of g.
func directOffsets(g ConvGeom, offs *[directMaxTaps]int64) {
	hw, i := g.H*g.W, 0
	for ci := 0; ci < g.C; ci++ {
		for ki := 0; ki < g.KH; ki++ {
			for kj := 0; kj < g.KW; kj++ {
				offs[i] = int64(4 * (ci*hw + ki*g.W + kj))
				i++
			}
		}
	}
}

// directSample computes one sample's output y from its input x with the
// packed weights wp and bias bp (packDirect) and tap offsets offs.
func directSample(g ConvGeom, x, y, wp, bp []float32, offs *[directMaxTaps]int64, relu bool) {
	taps, blocks, ohw := g.C*g.KH*g.KW, divUp(g.K, directBlock), g.OH*g.OW
	var r uint64
	if relu {
		r = 1
	}
	halves := directHalves(g.OW)
	width := directSegment
	if halves {
		width = directSegment / 2
	}
	segs := divUp(g.OW, width)
	total := g.OH * segs
	a := directArgs{offs: &offs[0], taps: taps, ystride: 4 * ohw, relu: r}
	h := directHalfArgs{offs: &offs[0], taps: taps, ystride: 4 * ohw, relu: r}
	for b := 0; b < blocks; b++ {
		w, bias := &wp[b*taps*directBlock], &bp[b*directBlock]
		nco := min(directBlock, g.K-b*directBlock)
		yb := y[b*directBlock*ohw:]
		// Segments in row-major order, two (or four halves) per call;
		// past the last, a repeat of the last with an empty mask.
		if halves {
			h.w, h.bias, h.nco = w, bias, nco
			for s := 0; s < total; s += 4 {
				for v := range 4 {
					h.x[v], h.y[v], h.m[v] = directSegmentAt(g, x, yb, min(s+v, total-1), segs, width)
					if s+v >= total {
						h.m[v] = 0
					}
				}
				directConvHalfAVX512(&h)
			}
			continue
		}
		a.w, a.bias, a.nco = w, bias, nco
		for s := 0; s < total; s += 2 {
			a.x0, a.y0, a.m0 = directSegmentAt(g, x, yb, s, segs, width)
			a.x1, a.y1, a.m1 = a.x0, a.y0, 0
			if s+1 < total {
				a.x1, a.y1, a.m1 = directSegmentAt(g, x, yb, s+1, segs, width)
			}
			directConvAVX512(&a)
		}
	}
}

// directSegmentAt returns segment s's input and output starts and its lane
// mask, for segments width wide and segs to a row.
func directSegmentAt(g ConvGeom, x, y []float32, s, segs, width int) (xs, ys *float32, mask uint64) {
	oh, c0 := s/segs, (s%segs)*width
	n := min(width, g.OW-c0)
	return &x[oh*g.W+c0], &y[oh*g.OW+c0], 1<<n - 1
}

// directRef is the kernel's arithmetic in Go, for tests: for every output
// channel and position, bias then the taps in order, each a float32
// multiply-add (the kernel fuses it: results agree to rounding).
func directRef(g ConvGeom, x, w, bias, y []float32, relu bool) {
	taps, ohw := g.C*g.KH*g.KW, g.OH*g.OW
	for n := 0; n < g.N; n++ {
		xn, yn := x[n*g.xStride():], y[n*g.yStride():]
		for k := 0; k < g.K; k++ {
			for oh := 0; oh < g.OH; oh++ {
				for ow := 0; ow < g.OW; ow++ {
					var acc float32
					if bias != nil {
						acc = bias[k]
					}
					t := 0
					for ci := 0; ci < g.C; ci++ {
						for ki := 0; ki < g.KH; ki++ {
							for kj := 0; kj < g.KW; kj++ {
								acc += w[k*taps+t] * xn[(ci*g.H+oh+ki)*g.W+ow+kj]
								t++
							}
						}
					}
					if relu && acc < 0 {
						acc = 0
					}
					yn[k*ohw+oh*g.OW+ow] = acc
				}
			}
		}
	}
}
