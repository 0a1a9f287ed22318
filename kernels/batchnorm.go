package kernels

import (
	"fmt"
	"math"
)

// Batch normalisation over (N, C, HW) as PyTorch's BatchNorm1d/2d (HW = 1
// for BatchNorm1d on [N][C]). Matching PyTorch 1.13's CPU kernel:
//   - statistics are accumulated in float64; training normalises with the
//     biased batch variance, inverse std = 1/sqrt(var + eps);
//   - running_mean = (1-m)*running_mean + m*mean,
//     running_var  = (1-m)*running_var  + m*var*M/(M-1) (UNBIASED), M = N*HW;
//   - the saved mean and inverse std are rounded to float32 and the forward
//     uses those same rounded values, so backward sees exactly what forward
//     used; y = x*a + b with per-channel a = gamma*invstd, b = beta - mean*a.
// Momentum = None (cumulative average) is not supported.
//
// x and y may be per-sample strided views (XStride, YStride); dx has x's
// stride, dy (and the y a fused ReLU backward reads) has y's. gamma, beta,
// the running and saved statistics and their gradients are dense [C].

// BatchNormGeom is the geometry of a batchnorm. Eps and Momentum are float64
// because PyTorch passes them as doubles (defaults 1e-5 and 0.1).
type BatchNormGeom struct {
	N, C, HW int
	Eps      float64
	Momentum float64

	// XStride and YStride are the elements between consecutive samples of
	// x (and dx) and of y (and dy); 0 means dense (C*HW).
	XStride, YStride int
}

// Init validates the geometry.
func (g *BatchNormGeom) Init() error {
	if g.N < 1 || g.C < 1 || g.HW < 1 {
		return fmt.Errorf("batchnorm: N, C, HW must be >= 1, have %d, %d, %d", g.N, g.C, g.HW)
	}
	if g.Eps < 0 || g.Momentum < 0 || g.Momentum > 1 {
		return fmt.Errorf("batchnorm: eps %g must be >= 0 and momentum %g in [0, 1]", g.Eps, g.Momentum)
	}
	if err := checkStride("batchnorm", "XStride", g.XStride, g.C*g.HW); err != nil {
		return err
	}
	return checkStride("batchnorm", "YStride", g.YStride, g.C*g.HW)
}

// Len is the element count of x and y.
func (g BatchNormGeom) Len() int { return g.N * g.C * g.HW }

// InSpan and OutSpan are the slice lengths x (dx) and y (dy) need:
// (N-1)*stride + C*HW; Len when dense.
func (g BatchNormGeom) InSpan() int  { return span(g.N, g.C*g.HW, g.XStride) }
func (g BatchNormGeom) OutSpan() int { return span(g.N, g.C*g.HW, g.YStride) }

// xPlane and yPlane return channel c of sample n of x (or dx) and of y
// (or dy).
func (g BatchNormGeom) xPlane(x []float32, n, c int) []float32 {
	o := n*orDense(g.XStride, g.C*g.HW) + c*g.HW
	return x[o : o+g.HW]
}

func (g BatchNormGeom) yPlane(y []float32, n, c int) []float32 {
	o := n*orDense(g.YStride, g.C*g.HW) + c*g.HW
	return y[o : o+g.HW]
}

// batchStats returns channel c's float64 mean and sum of squared deviations
// (two passes, as PyTorch does, for accuracy).
func (g BatchNormGeom) batchStats(x []float32, c int) (mean, sq float64) {
	var s float64
	for n := 0; n < g.N; n++ {
		s += sum64(g.xPlane(x, n, c))
	}
	mean = s / float64(g.N*g.HW)
	for n := 0; n < g.N; n++ {
		for _, v := range g.xPlane(x, n, c) {
			d := float64(v) - mean
			sq += d * d
		}
	}
	return mean, sq
}

// trainStats computes the batch statistics, saves mean and invstd, updates
// the running statistics and returns the per-channel affine y = x*a + b.
func (g BatchNormGeom) trainStats(x, gamma, beta, runMean, runVar, saveMean, saveInvStd []float32, c int) (a, b float32) {
	m := g.N * g.HW
	if m < 2 {
		panic(fmt.Sprintf("kernels: batchnorm training needs more than 1 value per channel, have N=%d HW=%d", g.N, g.HW))
	}
	mean, sq := g.batchStats(x, c)
	mean32 := float32(mean)
	invstd := float32(1 / math.Sqrt(sq/float64(m)+g.Eps))
	saveMean[c], saveInvStd[c] = mean32, invstd
	if runMean != nil {
		runMean[c] = float32(g.Momentum*mean + (1-g.Momentum)*float64(runMean[c]))
	}
	if runVar != nil {
		runVar[c] = float32(g.Momentum*sq/float64(m-1) + (1-g.Momentum)*float64(runVar[c]))
	}
	return affine(gamma, beta, c, mean32, invstd)
}

func affine(gamma, beta []float32, c int, mean, invstd float32) (a, b float32) {
	a = invstd
	if gamma != nil {
		a *= gamma[c]
	}
	b = -mean * a
	if beta != nil {
		b += beta[c]
	}
	return a, b
}

func (g BatchNormGeom) checkFwd(x, gamma, beta, y []float32) {
	need("batchnorm x", x, g.InSpan())
	need("batchnorm y", y, g.OutSpan())
	if gamma != nil {
		need("batchnorm gamma", gamma, g.C)
	}
	if beta != nil {
		need("batchnorm beta", beta, g.C)
	}
}

func (g BatchNormGeom) checkTrain(x, gamma, beta, y, runMean, runVar, saveMean, saveInvStd []float32) {
	g.checkFwd(x, gamma, beta, y)
	need("batchnorm saveMean", saveMean, g.C)
	need("batchnorm saveInvStd", saveInvStd, g.C)
	if runMean != nil {
		need("batchnorm runMean", runMean, g.C)
	}
	if runVar != nil {
		need("batchnorm runVar", runVar, g.C)
	}
}

// BatchNormForwardTrain normalises x with batch statistics into y, updates
// runMean/runVar (either may be nil: track_running_stats=False) and saves
// the mean and inverse std [C] for backward. gamma/beta nil mean 1/0
// (affine=False). y may be the same view as x (same start and stride)
// only when no backward follows (backward needs x).
func BatchNormForwardTrain(g BatchNormGeom, x, gamma, beta, y, runMean, runVar, saveMean, saveInvStd []float32) {
	g.checkTrain(x, gamma, beta, y, runMean, runVar, saveMean, saveInvStd)
	for c := 0; c < g.C; c++ {
		a, b := g.trainStats(x, gamma, beta, runMean, runVar, saveMean, saveInvStd, c)
		for n := 0; n < g.N; n++ {
			yp, xp := g.yPlane(y, n, c), g.xPlane(x, n, c)
			for i, v := range xp {
				yp[i] = v*a + b
			}
		}
	}
}

// BatchNormReLUForwardTrain is BatchNormForwardTrain followed by ReLU in one
// pass over the data.
func BatchNormReLUForwardTrain(g BatchNormGeom, x, gamma, beta, y, runMean, runVar, saveMean, saveInvStd []float32) {
	g.checkTrain(x, gamma, beta, y, runMean, runVar, saveMean, saveInvStd)
	for c := 0; c < g.C; c++ {
		a, b := g.trainStats(x, gamma, beta, runMean, runVar, saveMean, saveInvStd, c)
		for n := 0; n < g.N; n++ {
			yp, xp := g.yPlane(y, n, c), g.xPlane(x, n, c)
			for i, v := range xp {
				yp[i] = max(v*a+b, 0)
			}
		}
	}
}

func (g BatchNormGeom) evalAffine(gamma, beta, runMean, runVar []float32, c int) (a, b float32) {
	invstd := float32(1 / math.Sqrt(float64(runVar[c])+g.Eps))
	return affine(gamma, beta, c, runMean[c], invstd)
}

// BatchNormForwardEval normalises x with the running statistics.
func BatchNormForwardEval(g BatchNormGeom, x, gamma, beta, runMean, runVar, y []float32) {
	g.checkFwd(x, gamma, beta, y)
	need("batchnorm runMean", runMean, g.C)
	need("batchnorm runVar", runVar, g.C)
	for c := 0; c < g.C; c++ {
		a, b := g.evalAffine(gamma, beta, runMean, runVar, c)
		for n := 0; n < g.N; n++ {
			yp, xp := g.yPlane(y, n, c), g.xPlane(x, n, c)
			for i, v := range xp {
				yp[i] = v*a + b
			}
		}
	}
}

// BatchNormReLUForwardEval is BatchNormForwardEval followed by ReLU.
func BatchNormReLUForwardEval(g BatchNormGeom, x, gamma, beta, runMean, runVar, y []float32) {
	g.checkFwd(x, gamma, beta, y)
	need("batchnorm runMean", runMean, g.C)
	need("batchnorm runVar", runVar, g.C)
	for c := 0; c < g.C; c++ {
		a, b := g.evalAffine(gamma, beta, runMean, runVar, c)
		for n := 0; n < g.N; n++ {
			yp, xp := g.yPlane(y, n, c), g.xPlane(x, n, c)
			for i, v := range xp {
				yp[i] = max(v*a+b, 0)
			}
		}
	}
}

// BatchNormBackward is the training-mode backward (batch statistics), as
// PyTorch's batch_norm_backward_cpu: with s = Σdy, p = Σ(x-mean)dy,
//
//	dx = (dy - s/M - (x-mean)*p*invstd²/M) * invstd*gamma
//	dgamma = p*invstd, dbeta = s.
//
// dgamma/dbeta may be nil (affine=False, or frozen parameters).
func BatchNormBackward(g BatchNormGeom, x, dy, gamma, saveMean, saveInvStd, dx, dgamma, dbeta []float32, accumulate bool) {
	g.backward(x, nil, dy, gamma, saveMean, saveInvStd, dx, dgamma, dbeta, accumulate)
}

// BatchNormReLUBackward is the backward of BatchNormReLUForwardTrain. The
// ReLU mask comes from the saved output y (y > 0); x is still needed,
// because ReLU destroys the normalised value that dx depends on wherever
// y == 0.
func BatchNormReLUBackward(g BatchNormGeom, x, y, dy, gamma, saveMean, saveInvStd, dx, dgamma, dbeta []float32, accumulate bool) {
	need("batchnorm y", y, g.OutSpan())
	g.backward(x, y, dy, gamma, saveMean, saveInvStd, dx, dgamma, dbeta, accumulate)
}

// backward masks dy by y > 0 when y is non-nil (the fused ReLU).
func (g BatchNormGeom) backward(x, y, dy, gamma, saveMean, saveInvStd, dx, dgamma, dbeta []float32, accumulate bool) {
	need("batchnorm x", x, g.InSpan())
	need("batchnorm dy", dy, g.OutSpan())
	need("batchnorm dx", dx, g.InSpan())
	need("batchnorm saveMean", saveMean, g.C)
	need("batchnorm saveInvStd", saveInvStd, g.C)
	if gamma != nil {
		need("batchnorm gamma", gamma, g.C)
	}
	if dgamma != nil {
		need("batchnorm dgamma", dgamma, g.C)
	}
	if dbeta != nil {
		need("batchnorm dbeta", dbeta, g.C)
	}
	m := float64(g.N * g.HW)
	for c := 0; c < g.C; c++ {
		mean, invstd := saveMean[c], float64(saveInvStd[c])
		meanD := float64(mean)
		var s, p float64
		for n := 0; n < g.N; n++ {
			xp, dyp := g.xPlane(x, n, c), g.yPlane(dy, n, c)
			if y == nil {
				for i, d := range dyp {
					s += float64(d)
					p += (float64(xp[i]) - meanD) * float64(d)
				}
			} else {
				yp := g.yPlane(y, n, c)
				for i, d := range dyp {
					if yp[i] > 0 {
						s += float64(d)
						p += (float64(xp[i]) - meanD) * float64(d)
					}
				}
			}
		}
		if dgamma != nil {
			dgamma[c] = float32(p * invstd)
		}
		if dbeta != nil {
			dbeta[c] = float32(s)
		}
		w := 1.0
		if gamma != nil {
			w = float64(gamma[c])
		}
		// dx = dy*ka + (x-mean)*kb + kc, coefficients in float64 then rounded.
		k := p * invstd * invstd / m
		ka := float32(invstd * w)
		kb := float32(-k * invstd * w)
		kc := float32(-s / m * invstd * w)
		for n := 0; n < g.N; n++ {
			xp, dyp, dxp := g.xPlane(x, n, c), g.yPlane(dy, n, c), g.xPlane(dx, n, c)
			var yp []float32
			if y != nil {
				yp = g.yPlane(y, n, c)
			}
			for i, d := range dyp {
				if yp != nil && !(yp[i] > 0) {
					d = 0
				}
				v := d*ka + (xp[i]-mean)*kb + kc
				if accumulate {
					dxp[i] += v
				} else {
					dxp[i] = v
				}
			}
		}
	}
}
