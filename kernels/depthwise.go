package kernels

// Direct convolution for one input channel per group (ConvDepthwise:
// MobileNet's depthwise 3x3, any kernel, stride, padding, dilation and
// channel multiplier K/C). im2col would turn each group into a GEMM with a
// single row of weights per output channel, all overhead; here each output
// plane is a sum of KH*KW shifted, scaled input rows, computed row by row
// so the output row stays in L1; 3-wide kernels (dilation 1) take one pass
// per kernel row (row3, dot3) instead of one per tap. Planes are
// independent, so they run in parallel: (sample, channel) for forward and
// backward data, channels for the weight gradient (each summed over the
// batch in a fixed order).

func depthwiseForward(g ConvGeom, x, w, bias, y []float32, relu bool) {
	t := convTask{op: opDepthwiseForward, g: g, src: x, w: w, bias: bias, dst: y, relu: relu}
	t.run(g.N*g.K, g.KH*g.KW*g.OH*g.OW)
}

func depthwiseBackwardData(g ConvGeom, w, dy, dx []float32, accumulate bool) {
	t := convTask{op: opDepthwiseData, g: g, src: dy, w: w, dst: dx, acc: accumulate}
	t.run(g.N*g.C, (g.K/g.C)*g.KH*g.KW*g.OH*g.OW)
}

func depthwiseBackwardFilter(g ConvGeom, x, dy, dw []float32) {
	t := convTask{op: opDepthwiseFilter, g: g, src: x, src2: dy, dst: dw}
	t.run(g.K, g.N*g.KH*g.KW*g.OH*g.OW)
}

// depthwiseForward computes output planes (n, k) for items n*K+k in [lo, hi).
func (t *convTask) depthwiseForward(lo, hi int) {
	g := t.g
	mult, kk, hw, ohw := g.K/g.C, g.KH*g.KW, g.H*g.W, g.OH*g.OW
	xs, ys := g.xStride(), g.yStride()
	for it := lo; it < hi; it++ {
		n, k := it/g.K, it%g.K
		xc := t.src[n*xs+(k/mult)*hw:][:hw]
		yk := t.dst[n*ys+k*ohw:][:ohw]
		wk := t.w[k*kk : (k+1)*kk]
		var b float32
		if t.bias != nil {
			b = t.bias[k]
		}
		for oh := 0; oh < g.OH; oh++ {
			row := yk[oh*g.OW : (oh+1)*g.OW]
			for i := range row {
				row[i] = b
			}
			depthwiseRow(g, row, xc, wk, oh)
			if t.relu {
				for i, v := range row {
					if v < 0 {
						row[i] = 0
					}
				}
			}
		}
	}
}

// depthwiseRow adds output row oh of one plane, every tap of kernel wk
// over input plane xc, to row.
func depthwiseRow(g ConvGeom, row, xc, wk []float32, oh int) {
	if ih := oh*g.SH - g.PH; g.KH == 3 && g.KW == 3 && g.DH == 1 && g.DW == 1 && ih >= 0 && ih+3 <= g.H {
		// All three input rows exist: the 9 taps in one pass.
		row9(row, xc[ih*g.W:(ih+3)*g.W], g.W, wk, g.SW, -g.PW)
		return
	}
	for ki := 0; ki < g.KH; ki++ {
		ih := oh*g.SH - g.PH + ki*g.DH
		if ih < 0 || ih >= g.H {
			continue
		}
		src := xc[ih*g.W : (ih+1)*g.W]
		if g.KW == 3 && g.DW == 1 {
			row3(row, src, wk[ki*3], wk[ki*3+1], wk[ki*3+2], g.SW, -g.PW)
			continue
		}
		for kj := 0; kj < g.KW; kj++ {
			off := kj*g.DW - g.PW
			lo, hi := tapRange(off, g.SW, g.W, g.OW)
			if lo < hi {
				axpyStrided(wk[ki*g.KW+kj], src[lo*g.SW+off:], g.SW, row[lo:hi])
			}
		}
	}
}

// depthwiseData computes input-gradient planes (n, c) for items n*C+c: the
// adjoint of the forward, summed over the group's K/C output channels.
func (t *convTask) depthwiseData(lo, hi int) {
	g := t.g
	mult, kk, hw, ohw := g.K/g.C, g.KH*g.KW, g.H*g.W, g.OH*g.OW
	xs, ys := g.xStride(), g.yStride()
	for it := lo; it < hi; it++ {
		n, c := it/g.C, it%g.C
		dxc := t.dst[n*xs+c*hw:][:hw]
		if !t.acc {
			clear(dxc)
		}
		for k := c * mult; k < (c+1)*mult; k++ {
			dyk := t.src[n*ys+k*ohw:][:ohw]
			wk := t.w[k*kk : (k+1)*kk]
			for oh := 0; oh < g.OH; oh++ {
				row := dyk[oh*g.OW : (oh+1)*g.OW]
				for ki := 0; ki < g.KH; ki++ {
					ih := oh*g.SH - g.PH + ki*g.DH
					if ih < 0 || ih >= g.H {
						continue
					}
					dst := dxc[ih*g.W : (ih+1)*g.W]
					if g.KW == 3 && g.DW == 1 && g.SW == 1 {
						// Stride 1: dx[iw] gathers dy[iw+PW-kj], a 3-tap
						// row filter with the taps reversed.
						row3(dst, row, wk[ki*3+2], wk[ki*3+1], wk[ki*3], 1, g.PW-2)
						continue
					}
					for kj := 0; kj < g.KW; kj++ {
						off := kj*g.DW - g.PW
						lo, hi := tapRange(off, g.SW, g.W, g.OW)
						if lo < hi {
							scatterAxpy(wk[ki*g.KW+kj], row[lo:hi], dst[lo*g.SW+off:], g.SW)
						}
					}
				}
			}
		}
	}
}

// depthwiseTaps bounds the taps summed together in depthwiseFilter (a
// stack array of float64 sums); larger kernels take several passes.
const depthwiseTaps = 64

// depthwiseFilter computes dw[k] for channels [lo, hi): per tap, the sum
// over samples and output rows of row dot products, each added in float64.
func (t *convTask) depthwiseFilter(lo, hi int) {
	g := t.g
	mult, kk, hw, ohw := g.K/g.C, g.KH*g.KW, g.H*g.W, g.OH*g.OW
	xs, ys := g.xStride(), g.yStride()
	var acc [depthwiseTaps]float64
	for k := lo; k < hi; k++ {
		for t0 := 0; t0 < kk; t0 += depthwiseTaps {
			t1 := min(kk, t0+depthwiseTaps)
			clear(acc[:])
			for n := 0; n < g.N; n++ {
				xc := t.src[n*xs+(k/mult)*hw:][:hw]
				dyk := t.src2[n*ys+k*ohw:][:ohw]
				for oh := 0; oh < g.OH; oh++ {
					row := dyk[oh*g.OW : (oh+1)*g.OW]
					if g.KW == 3 && g.DW == 1 && t1-t0 == kk {
						for ki := 0; ki < g.KH; ki++ {
							ih := oh*g.SH - g.PH + ki*g.DH
							if ih >= 0 && ih < g.H {
								a, b, c := dot3(row, xc[ih*g.W:(ih+1)*g.W], g.SW, -g.PW)
								acc[3*ki] += float64(a)
								acc[3*ki+1] += float64(b)
								acc[3*ki+2] += float64(c)
							}
						}
						continue
					}
					for tap := t0; tap < t1; tap++ {
						ki, kj := tap/g.KW, tap%g.KW
						ih := oh*g.SH - g.PH + ki*g.DH
						if ih < 0 || ih >= g.H {
							continue
						}
						off := kj*g.DW - g.PW
						lo, hi := tapRange(off, g.SW, g.W, g.OW)
						if lo < hi {
							acc[tap-t0] += float64(dotStrided(row[lo:hi], xc[ih*g.W+lo*g.SW+off:], g.SW))
						}
					}
				}
			}
			for tap := t0; tap < t1; tap++ {
				t.dst[k*kk+tap] = float32(acc[tap-t0])
			}
		}
	}
}

// row3 adds the 3-tap row filter Σ_b w_b * src[ow*stride+off+b] to y[ow]
// (taps outside src dropped): one pass over y instead of one per tap.
func row3(y, src []float32, w0, w1, w2 float32, stride, off int) {
	lo, hi := tapRange(off, stride, len(src)-2, len(y)) // windows fully inside src
	hi = max(lo, hi)
	for ow := 0; ow < lo; ow++ {
		y[ow] += tap3Edge(src, w0, w1, w2, ow*stride+off)
	}
	if stride == 1 && lo < hi {
		s := src[lo+off : hi+off+2]
		d := y[lo:hi]
		s = s[:len(d)+2]
		for i := range d {
			d[i] += w0*s[i] + w1*s[i+1] + w2*s[i+2]
		}
	} else {
		for ow := lo; ow < hi; ow++ {
			s := src[ow*stride+off:][:3]
			y[ow] += w0*s[0] + w1*s[1] + w2*s[2]
		}
	}
	for ow := hi; ow < len(y); ow++ {
		y[ow] += tap3Edge(src, w0, w1, w2, ow*stride+off)
	}
}

// row9 adds a 3x3 filter over three input rows (rows w apart in src, all
// inside the image) to y: Σ_ab k[3a+b] * src[a*w + ow*stride+off+b], taps
// outside a row dropped. One pass over y for all nine taps.
func row9(y, src []float32, w int, k []float32, stride, off int) {
	r0, r1, r2 := src[:w], src[w:2*w], src[2*w:3*w]
	k = k[:9]
	lo, hi := tapRange(off, stride, w-2, len(y))
	hi = max(lo, hi)
	edge := func(ow int) {
		i := ow*stride + off
		y[ow] += tap3Edge(r0, k[0], k[1], k[2], i) + tap3Edge(r1, k[3], k[4], k[5], i) + tap3Edge(r2, k[6], k[7], k[8], i)
	}
	for ow := 0; ow < lo; ow++ {
		edge(ow)
	}
	k0, k1, k2, k3, k4, k5, k6, k7, k8 := k[0], k[1], k[2], k[3], k[4], k[5], k[6], k[7], k[8]
	if stride == 1 && lo < hi {
		d := y[lo:hi]
		a, b, c := r0[lo+off:hi+off+2], r1[lo+off:hi+off+2], r2[lo+off:hi+off+2]
		a, b, c = a[:len(d)+2], b[:len(d)+2], c[:len(d)+2]
		for i := range d {
			d[i] += k0*a[i] + k1*a[i+1] + k2*a[i+2] + k3*b[i] + k4*b[i+1] + k5*b[i+2] + k6*c[i] + k7*c[i+1] + k8*c[i+2]
		}
	} else {
		for ow := lo; ow < hi; ow++ {
			i := ow*stride + off
			a, b, c := r0[i:i+3], r1[i:i+3], r2[i:i+3]
			y[ow] += k0*a[0] + k1*a[1] + k2*a[2] + k3*b[0] + k4*b[1] + k5*b[2] + k6*c[0] + k7*c[1] + k8*c[2]
		}
	}
	for ow := hi; ow < len(y); ow++ {
		edge(ow)
	}
}

// tap3Edge is Σ_b w_b * src[i+b] over the taps inside src.
func tap3Edge(src []float32, w0, w1, w2 float32, i int) float32 {
	var s float32
	for b, w := range [3]float32{w0, w1, w2} {
		if j := i + b; j >= 0 && j < len(src) {
			s += w * src[j]
		}
	}
	return s
}

// dot3 returns the three tap sums Σ_ow d[ow] * src[ow*stride+off+b], b < 3
// (taps outside src dropped), in one pass over d.
func dot3(d, src []float32, stride, off int) (s0, s1, s2 float32) {
	lo, hi := tapRange(off, stride, len(src)-2, len(d))
	hi = max(lo, hi)
	edge := func(ow int) {
		i := ow*stride + off
		v := d[ow]
		if i >= 0 && i < len(src) {
			s0 += v * src[i]
		}
		if i+1 >= 0 && i+1 < len(src) {
			s1 += v * src[i+1]
		}
		if i+2 >= 0 && i+2 < len(src) {
			s2 += v * src[i+2]
		}
	}
	for ow := 0; ow < lo; ow++ {
		edge(ow)
	}
	for ow := lo; ow < hi; ow++ {
		s := src[ow*stride+off:][:3]
		v := d[ow]
		s0 += v * s[0]
		s1 += v * s[1]
		s2 += v * s[2]
	}
	for ow := hi; ow < len(d); ow++ {
		edge(ow)
	}
	return s0, s1, s2
}

// axpyStrided: y[i] += a * x[i*stride].
func axpyStrided(a float32, x []float32, stride int, y []float32) {
	if stride == 1 {
		x = x[:len(y)]
		for i := range y {
			y[i] += a * x[i]
		}
		return
	}
	for i := range y {
		y[i] += a * x[i*stride]
	}
}

// scatterAxpy: y[i*stride] += a * x[i].
func scatterAxpy(a float32, x, y []float32, stride int) {
	if stride == 1 {
		y = y[:len(x)]
		for i, v := range x {
			y[i] += a * v
		}
		return
	}
	for i, v := range x {
		y[i*stride] += a * v
	}
}

// dotStrided is Σ a[i] * b[i*stride] with four float32 accumulators.
func dotStrided(a, b []float32, stride int) float32 {
	var s0, s1, s2, s3 float32
	i := 0
	if stride == 1 {
		b = b[:len(a)]
		for ; i+4 <= len(a); i += 4 {
			s0 += a[i] * b[i]
			s1 += a[i+1] * b[i+1]
			s2 += a[i+2] * b[i+2]
			s3 += a[i+3] * b[i+3]
		}
		for ; i < len(a); i++ {
			s0 += a[i] * b[i]
		}
		return (s0 + s1) + (s2 + s3)
	}
	for ; i < len(a); i++ {
		s0 += a[i] * b[i*stride]
	}
	return s0
}
