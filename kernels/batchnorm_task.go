package kernels

import (
	"math"
	"sync"
)

// bnTask runs a batchnorm kernel over channels [0, C), split across the
// kernel threads. All of a channel's work, its sums included, happens on one
// thread in an order fixed by the geometry alone, so results do not depend
// on the split:
//   - wide channels (HW >= bnNarrowHW) go one at a time, as N runs of HW
//     values; sums use four float64 lanes per run (element i to lane i%4,
//     the tail to lane 0), added (0+1)+(2+3) at the end;
//   - narrow channels (BatchNorm1d, small late-stage maps) go in blocks:
//     the block's channels are one contiguous run of columns in every
//     sample, each column summed over the samples in order, then a
//     channel's columns added in order (batchnorm_narrow.go). Per-run
//     overhead would otherwise dominate.
//
// Training makes two passes over a channel: one for the statistics, one
// writing y (ReLU fused). The second finds the channel in cache when it
// fits (N*HW*4 bytes; 590 KB for ResNet's 64x64x48x48 stem, in L3).
type bnTask struct {
	op         bnOp
	relu, acc  bool
	g          BatchNormGeom
	x, y       []float32
	gamma      []float32
	beta       []float32
	runMean    []float32
	runVar     []float32
	saveMean   []float32
	saveInvStd []float32
	dy, dx     []float32
	dgamma     []float32
	dbeta      []float32
}

type bnOp uint8

const (
	bnTrain bnOp = iota
	bnEval
	bnBackward
)

// bnGrain is the elements below which work stays on the calling thread (see
// eltGrain).
const bnGrain = 1 << 14

var bnShared struct {
	mu sync.Mutex
	t  bnTask
}

func (t *bnTask) run() {
	per := max(1, t.g.N*t.g.HW)
	grain := (bnGrain + per - 1) / per
	if t.g.C < 2*grain || !bnShared.mu.TryLock() {
		t.Run(0, t.g.C)
		return
	}
	bnShared.t = *t
	Parallel(t.g.C, grain, &bnShared.t)
	bnShared.t = bnTask{} // do not pin the caller's slices
	bnShared.mu.Unlock()
}

// Run processes channels [lo, hi).
func (t *bnTask) Run(lo, hi int) {
	g := t.g
	if g.HW < bnNarrowHW {
		t.runNarrow(lo, hi)
		return
	}
	for c := lo; c < hi; c++ {
		switch t.op {
		case bnTrain:
			mean, sq := t.stats(c)
			a, b := g.trainStats(t.gamma, t.beta, t.runMean, t.runVar, t.saveMean, t.saveInvStd, c, mean, sq)
			t.normalize(c, a, b)
		case bnEval:
			a, b := g.evalAffine(t.gamma, t.beta, t.runMean, t.runVar, c)
			t.normalize(c, a, b)
		case bnBackward:
			s, p := t.gradSums(c)
			ka, kb, kc := g.backwardCoefs(t.gamma, t.saveInvStd, t.dgamma, t.dbeta, c, s, p)
			t.gradInput(c, ka, kb, kc)
		}
	}
}

// stats returns channel c's mean and sum of squared deviations in one pass:
// sums of d = x-k and d² with k the channel's first value, then
// Σ(x-mean)² = Σd² - (Σd)²/M. The shift keeps the subtraction from
// cancelling when |mean| is large against the spread (the textbook
// Σx² - (Σx)²/M would lose it all).
func (t *bnTask) stats(c int) (mean, sq float64) {
	g := t.g
	k := float64(g.xPlane(t.x, 0, c)[0])
	var s0, s1, s2, s3, q0, q1, q2, q3 float64
	for n := 0; n < g.N; n++ {
		p := g.xPlane(t.x, n, c)
		vs, vq, i := vecMoments(p, k)
		s0, q0 = s0+vs, q0+vq
		for ; i+4 <= len(p); i += 4 {
			v := p[i : i+4 : i+4]
			d0, d1, d2, d3 := float64(v[0])-k, float64(v[1])-k, float64(v[2])-k, float64(v[3])-k
			s0, s1, s2, s3 = s0+d0, s1+d1, s2+d2, s3+d3
			q0, q1, q2, q3 = q0+d0*d0, q1+d1*d1, q2+d2*d2, q3+d3*d3
		}
		for ; i < len(p); i++ {
			d := float64(p[i]) - k
			s0 += d
			q0 += d * d
		}
	}
	return bnMoments(k, (s0+s1)+(s2+s3), (q0+q1)+(q2+q3), g.N*g.HW)
}

// bnMoments turns the shifted sums s = Σ(x-k), q = Σ(x-k)² of m values into
// the mean and the sum of squared deviations.
func bnMoments(k, s, q float64, m int) (mean, sq float64) {
	fm := float64(m)
	return k + s/fm, max(0, q-s*(s/fm))
}

// normalize writes channel c of y = x*a + b (then ReLU).
func (t *bnTask) normalize(c int, a, b float32) {
	g := t.g
	for n := 0; n < g.N; n++ {
		xp, yp := g.xPlane(t.x, n, c), g.yPlane(t.y, n, c)
		done := vecAffine(xp, yp, a, b, t.relu)
		xp, yp = xp[done:], yp[done:]
		if t.relu {
			for i, v := range xp {
				yp[i] = max(v*a+b, 0)
			}
		} else {
			for i, v := range xp {
				yp[i] = v*a + b
			}
		}
	}
}

// gradSums returns channel c's s = Σd and p = Σ(x-mean)d, d being dy, or dy
// masked by y > 0 for the fused ReLU.
func (t *bnTask) gradSums(c int) (s, p float64) {
	g := t.g
	mean := float64(t.saveMean[c])
	var s0, s1, s2, s3, p0, p1, p2, p3 float64
	for n := 0; n < g.N; n++ {
		dyp := g.yPlane(t.dy, n, c)
		xp := g.xPlane(t.x, n, c)[:len(dyp)]
		var yp []float32
		if t.relu {
			yp = g.yPlane(t.y, n, c)[:len(dyp)]
		}
		vs, vp, i := vecGradSums(dyp, xp, yp, mean)
		s0, p0 = s0+vs, p0+vp
		if t.relu {
			// Masks from the bits: a float compare would be a branch,
			// mispredicted on about half the elements.
			yb, db := float32Bits(yp), float32Bits(dyp)
			for ; i+4 <= len(db); i += 4 {
				d, y, x := db[i:i+4:i+4], yb[i:i+4:i+4], xp[i:i+4:i+4]
				d0 := float64(math.Float32frombits(d[0] & reluMask(y[0])))
				d1 := float64(math.Float32frombits(d[1] & reluMask(y[1])))
				d2 := float64(math.Float32frombits(d[2] & reluMask(y[2])))
				d3 := float64(math.Float32frombits(d[3] & reluMask(y[3])))
				s0, s1, s2, s3 = s0+d0, s1+d1, s2+d2, s3+d3
				p0 += (float64(x[0]) - mean) * d0
				p1 += (float64(x[1]) - mean) * d1
				p2 += (float64(x[2]) - mean) * d2
				p3 += (float64(x[3]) - mean) * d3
			}
			for ; i < len(db); i++ {
				d := float64(math.Float32frombits(db[i] & reluMask(yb[i])))
				s0 += d
				p0 += (float64(xp[i]) - mean) * d
			}
			continue
		}
		for ; i+4 <= len(dyp); i += 4 {
			d, x := dyp[i:i+4:i+4], xp[i:i+4:i+4]
			d0, d1, d2, d3 := float64(d[0]), float64(d[1]), float64(d[2]), float64(d[3])
			s0, s1, s2, s3 = s0+d0, s1+d1, s2+d2, s3+d3
			p0 += (float64(x[0]) - mean) * d0
			p1 += (float64(x[1]) - mean) * d1
			p2 += (float64(x[2]) - mean) * d2
			p3 += (float64(x[3]) - mean) * d3
		}
		for ; i < len(dyp); i++ {
			d := float64(dyp[i])
			s0 += d
			p0 += (float64(xp[i]) - mean) * d
		}
	}
	return (s0 + s1) + (s2 + s3), (p0 + p1) + (p2 + p3)
}

// reluMask is all ones when the float with bits y is > 0 (not NaN), the
// fused ReLU's mask (see openMask).
func reluMask(y uint32) uint32 {
	var m uint32
	if y-1 < reluHi-1 {
		m = ^uint32(0)
	}
	return m
}

// gradInput writes (or adds) channel c of dx = d*ka + (x-mean)*kb + kc, d
// masked as in gradSums.
func (t *bnTask) gradInput(c int, ka, kb, kc float32) {
	g := t.g
	mean := t.saveMean[c]
	for n := 0; n < g.N; n++ {
		dyp := g.yPlane(t.dy, n, c)
		xp, dxp := g.xPlane(t.x, n, c)[:len(dyp)], g.xPlane(t.dx, n, c)[:len(dyp)]
		var yp []float32
		if t.relu {
			yp = g.yPlane(t.y, n, c)[:len(dyp)]
		}
		done := vecGradInput(dyp, xp, yp, dxp, mean, ka, kb, kc, t.acc)
		dyp, xp, dxp = dyp[done:], xp[done:], dxp[done:]
		if t.relu {
			bnGradMasked(float32Bits(dyp), float32Bits(yp[done:]), xp, dxp, mean, ka, kb, kc, t.acc)
			continue
		}
		if t.acc {
			for i, d := range dyp {
				dxp[i] += d*ka + (xp[i]-mean)*kb + kc
			}
		} else {
			for i, d := range dyp {
				dxp[i] = d*ka + (xp[i]-mean)*kb + kc
			}
		}
	}
}

// bnGradMasked is gradInput's loop for the fused ReLU, on the bits of dy
// and y.
func bnGradMasked(db, yb []uint32, xp, dxp []float32, mean, ka, kb, kc float32, acc bool) {
	yb, xp, dxp = yb[:len(db)], xp[:len(db)], dxp[:len(db)]
	if acc {
		for i, b := range db {
			dxp[i] += math.Float32frombits(b&reluMask(yb[i]))*ka + (xp[i]-mean)*kb + kc
		}
		return
	}
	for i, b := range db {
		dxp[i] = math.Float32frombits(b&reluMask(yb[i]))*ka + (xp[i]-mean)*kb + kc
	}
}
