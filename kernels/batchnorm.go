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
//
// Channels are split across the kernel threads; each channel's sums run on
// one thread in a fixed order (batchnorm_task.go), so results do not depend
// on the thread count.

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

// trainStats turns channel c's batch mean and sum of squared deviations
// into the saved mean and inverse std, updates the running statistics and
// returns the per-channel affine y = x*a + b.
func (g BatchNormGeom) trainStats(gamma, beta, runMean, runVar, saveMean, saveInvStd []float32, c int, mean, sq float64) (a, b float32) {
	m := g.N * g.HW
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
	if g.N*g.HW < 2 {
		panic(fmt.Sprintf("kernels: batchnorm training needs more than 1 value per channel, have N=%d HW=%d", g.N, g.HW))
	}
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
	t := bnTask{op: bnTrain, g: g, x: x, y: y, gamma: gamma, beta: beta, runMean: runMean, runVar: runVar, saveMean: saveMean, saveInvStd: saveInvStd}
	t.run()
}

// BatchNormReLUForwardTrain is BatchNormForwardTrain followed by ReLU in one
// pass over the data.
func BatchNormReLUForwardTrain(g BatchNormGeom, x, gamma, beta, y, runMean, runVar, saveMean, saveInvStd []float32) {
	g.checkTrain(x, gamma, beta, y, runMean, runVar, saveMean, saveInvStd)
	t := bnTask{op: bnTrain, relu: true, g: g, x: x, y: y, gamma: gamma, beta: beta, runMean: runMean, runVar: runVar, saveMean: saveMean, saveInvStd: saveInvStd}
	t.run()
}

func (g BatchNormGeom) evalAffine(gamma, beta, runMean, runVar []float32, c int) (a, b float32) {
	invstd := float32(1 / math.Sqrt(float64(runVar[c])+g.Eps))
	return affine(gamma, beta, c, runMean[c], invstd)
}

// BatchNormForwardEval normalises x with the running statistics.
func BatchNormForwardEval(g BatchNormGeom, x, gamma, beta, runMean, runVar, y []float32) {
	g.checkEval(x, gamma, beta, runMean, runVar, y)
	t := bnTask{op: bnEval, g: g, x: x, y: y, gamma: gamma, beta: beta, runMean: runMean, runVar: runVar}
	t.run()
}

// BatchNormReLUForwardEval is BatchNormForwardEval followed by ReLU.
func BatchNormReLUForwardEval(g BatchNormGeom, x, gamma, beta, runMean, runVar, y []float32) {
	g.checkEval(x, gamma, beta, runMean, runVar, y)
	t := bnTask{op: bnEval, relu: true, g: g, x: x, y: y, gamma: gamma, beta: beta, runMean: runMean, runVar: runVar}
	t.run()
}

func (g BatchNormGeom) checkEval(x, gamma, beta, runMean, runVar, y []float32) {
	g.checkFwd(x, gamma, beta, y)
	need("batchnorm runMean", runMean, g.C)
	need("batchnorm runVar", runVar, g.C)
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
	t := bnTask{op: bnBackward, relu: y != nil, acc: accumulate, g: g, x: x, y: y, dy: dy, dx: dx,
		gamma: gamma, saveMean: saveMean, saveInvStd: saveInvStd, dgamma: dgamma, dbeta: dbeta}
	t.run()
}

// backwardCoefs turns channel c's sums s = Σdy and p = Σ(x-mean)dy into the
// parameter gradients and the coefficients of dx = dy*ka + (x-mean)*kb + kc
// (computed in float64, then rounded).
func (g BatchNormGeom) backwardCoefs(gamma, saveInvStd, dgamma, dbeta []float32, c int, s, p float64) (ka, kb, kc float32) {
	invstd := float64(saveInvStd[c])
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
	m := float64(g.N * g.HW)
	k := p * invstd * invstd / m
	return float32(invstd * w), float32(-k * invstd * w), float32(-s / m * invstd * w)
}
