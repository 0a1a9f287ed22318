package kernels

import "math"

// Batchnorm for narrow channels (HW < bnNarrowHW: BatchNorm1d's HW = 1,
// ResNet's 3x3 last stage). A block of channels [c0, c1) is the contiguous
// run of columns [c0*HW, c1*HW) in every sample, so one sweep over the
// samples handles the whole block with per-column state on the stack:
// column j's sums run over the samples in order, then channel c adds its
// HW columns in order. The order depends on the geometry alone (blocks do
// not change it), so results do not depend on the thread split.

const (
	bnNarrowHW = 32  // below this, per-run overhead beats the work per run
	bnCols     = 256 // columns per block (stack arrays)
)

// runNarrow processes channels [lo, hi) in blocks of whole channels.
func (t *bnTask) runNarrow(lo, hi int) {
	per := max(1, bnCols/t.g.HW)
	for c0 := lo; c0 < hi; c0 += per {
		c1 := min(hi, c0+per)
		switch t.op {
		case bnTrain:
			t.narrowTrain(c0, c1)
		case bnEval:
			t.narrowEval(c0, c1)
		case bnBackward:
			t.narrowBackward(c0, c1)
		}
	}
}

// cols returns sample n's run of the block's columns in v, whose samples
// are stride apart.
func (t *bnTask) cols(v []float32, stride, n, c0, c1 int) []float32 {
	o := n*stride + c0*t.g.HW
	return v[o : o+(c1-c0)*t.g.HW]
}

func (t *bnTask) narrowTrain(c0, c1 int) {
	g := t.g
	xs := orDense(g.XStride, g.C*g.HW)
	var k, s, q [bnCols]float64
	first := t.cols(t.x, xs, 0, c0, c1)
	for j := range first {
		k[j] = float64(first[j/g.HW*g.HW]) // the channel's first value (see stats)
	}
	for n := 0; n < g.N; n++ {
		row := t.cols(t.x, xs, n, c0, c1)
		kk, ss, qq := k[:len(row)], s[:len(row)], q[:len(row)]
		for j, v := range row {
			d := float64(v) - kk[j]
			ss[j] += d
			qq[j] += d * d
		}
	}
	var a, b [bnCols]float32
	for c := c0; c < c1; c++ {
		j0 := (c - c0) * g.HW
		var sc, qc float64
		for j := j0; j < j0+g.HW; j++ {
			sc += s[j]
			qc += q[j]
		}
		mean, sq := bnMoments(k[j0], sc, qc, g.N*g.HW)
		ac, bc := g.trainStats(t.gamma, t.beta, t.runMean, t.runVar, t.saveMean, t.saveInvStd, c, mean, sq)
		for j := j0; j < j0+g.HW; j++ {
			a[j], b[j] = ac, bc
		}
	}
	t.narrowNormalize(c0, c1, &a, &b)
}

func (t *bnTask) narrowEval(c0, c1 int) {
	g := t.g
	var a, b [bnCols]float32
	for c := c0; c < c1; c++ {
		ac, bc := g.evalAffine(t.gamma, t.beta, t.runMean, t.runVar, c)
		for j := (c - c0) * g.HW; j < (c-c0+1)*g.HW; j++ {
			a[j], b[j] = ac, bc
		}
	}
	t.narrowNormalize(c0, c1, &a, &b)
}

// narrowNormalize writes the block of y = x*a + b (then ReLU), a and b per
// column.
func (t *bnTask) narrowNormalize(c0, c1 int, a, b *[bnCols]float32) {
	g := t.g
	xs, ys := orDense(g.XStride, g.C*g.HW), orDense(g.YStride, g.C*g.HW)
	for n := 0; n < g.N; n++ {
		xr, yr := t.cols(t.x, xs, n, c0, c1), t.cols(t.y, ys, n, c0, c1)
		aa, bb := a[:len(xr)], b[:len(xr)]
		yr = yr[:len(xr)]
		if t.relu {
			for j, v := range xr {
				yr[j] = max(v*aa[j]+bb[j], 0)
			}
		} else {
			for j, v := range xr {
				yr[j] = v*aa[j] + bb[j]
			}
		}
	}
}

func (t *bnTask) narrowBackward(c0, c1 int) {
	g := t.g
	xs, ys := orDense(g.XStride, g.C*g.HW), orDense(g.YStride, g.C*g.HW)
	// Pass 1: per-column s = Σd and p = Σ(x-mean)d.
	var mean64, s, p [bnCols]float64
	var mean [bnCols]float32
	for c := c0; c < c1; c++ {
		for j := (c - c0) * g.HW; j < (c-c0+1)*g.HW; j++ {
			mean[j], mean64[j] = t.saveMean[c], float64(t.saveMean[c])
		}
	}
	for n := 0; n < g.N; n++ {
		xr, dr := t.cols(t.x, xs, n, c0, c1), t.cols(t.dy, ys, n, c0, c1)
		m, ss, pp := mean64[:len(dr)], s[:len(dr)], p[:len(dr)]
		xr = xr[:len(dr)]
		if t.relu {
			yb, db := float32Bits(t.cols(t.y, ys, n, c0, c1))[:len(dr)], float32Bits(dr)
			for j, b := range db {
				d := float64(math.Float32frombits(b & reluMask(yb[j])))
				ss[j] += d
				pp[j] += (float64(xr[j]) - m[j]) * d
			}
			continue
		}
		for j, v := range dr {
			d := float64(v)
			ss[j] += d
			pp[j] += (float64(xr[j]) - m[j]) * d
		}
	}
	// Per channel: gradients and the coefficients of dx, spread to columns.
	var ka, kb, kc [bnCols]float32
	for c := c0; c < c1; c++ {
		j0 := (c - c0) * g.HW
		var sc, pc float64
		for j := j0; j < j0+g.HW; j++ {
			sc += s[j]
			pc += p[j]
		}
		a, b, cc := g.backwardCoefs(t.gamma, t.saveInvStd, t.dgamma, t.dbeta, c, sc, pc)
		for j := j0; j < j0+g.HW; j++ {
			ka[j], kb[j], kc[j] = a, b, cc
		}
	}
	// Pass 2: dx = d*ka + (x-mean)*kb + kc.
	for n := 0; n < g.N; n++ {
		xr, dr, dxr := t.cols(t.x, xs, n, c0, c1), t.cols(t.dy, ys, n, c0, c1), t.cols(t.dx, xs, n, c0, c1)
		xr, dxr = xr[:len(dr)], dxr[:len(dr)]
		a, b, cc, m := ka[:len(dr)], kb[:len(dr)], kc[:len(dr)], mean[:len(dr)]
		var yb []uint32
		if t.relu {
			yb = float32Bits(t.cols(t.y, ys, n, c0, c1))[:len(dr)]
		}
		for j, d := range dr {
			if yb != nil {
				d = math.Float32frombits(math.Float32bits(d) & reluMask(yb[j]))
			}
			v := d*a[j] + (xr[j]-m[j])*b[j] + cc[j]
			if t.acc {
				dxr[j] += v
			} else {
				dxr[j] = v
			}
		}
	}
}
