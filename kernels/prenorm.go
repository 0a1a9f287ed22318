package kernels

import "sync"

// PreNorm is an inference batchnorm, with or without the ReLU after it,
// that a conv or a pooling applies to its input while it reads it:
// DenseNet's pre-activation (batchnorm, ReLU, conv) re-normalises every
// channel of the concatenated features before each conv, and as a step of
// its own writes (then the conv reads back) a tensor as large as its
// input. Here the Winograd input transform, the im2col unfolding, the
// pointwise gather and the pooling normalise the values they read anyway;
// padding stays zero (it pads the normalised input). Each value gets the
// bits BatchNorm(ReLU)ForwardEval would have written (span).
type PreNorm struct {
	Scale, Shift []float32 // per input channel: x*Scale + Shift
	ReLU         bool
	hw           int // plane size the batchnorm ran over: fixes its vector/Go split
}

// SetBatchNorm sets p to the affine map BatchNorm(ReLU)ForwardEval applies
// with these parameters and eps to planes of hw values, reusing p's memory.
func (p *PreNorm) SetBatchNorm(eps float64, hw int, gamma, beta, runMean, runVar []float32, relu bool) {
	c := len(runMean)
	p.Scale, p.Shift = growFloats(p.Scale, c), growFloats(p.Shift, c)
	g := BatchNormGeom{Eps: eps}
	for i := range c {
		p.Scale[i], p.Shift[i] = g.evalAffine(gamma, beta, runMean, runVar, i)
	}
	p.ReLU, p.hw = relu, hw
}

// span sets dst[i] to channel c's normalised src[i], where src[i] is value
// at+i of its plane: the bits the batchnorm step writes there. That step
// runs the vector loop over a wide plane's first vecLen(hw) values and the
// Go loop over the rest (every value of a narrow plane); the two differ
// only in the sign of a zero ReLU output (max(-0, 0) is +0 in Go, -0 in
// VMAXPS), and each value here takes the loop its position took there.
func (p *PreNorm) span(dst, src []float32, c, at int) {
	a, b := p.Scale[c], p.Shift[c]
	dst = dst[:len(src)]
	vecEnd := 0
	if p.hw >= bnNarrowHW {
		vecEnd = vecLen(p.hw)
	}
	k := min(len(src), max(0, vecEnd-at)) // values in the vector part
	i := vecAffine(src[:k], dst[:k], a, b, p.ReLU)
	for ; i < k; i++ { // the vector loop's roundings and VMAXPS's zero
		v := float32(src[i]*a) + b
		if p.ReLU && v < 0 {
			v = 0
		}
		dst[i] = v
	}
	// The Go loop's, written as normalize writes it.
	if p.ReLU {
		for j, v := range src[k:] {
			dst[k+j] = max(v*a+b, 0)
		}
		return
	}
	for j, v := range src[k:] {
		dst[k+j] = v*a + b
	}
}

// prePlanes lends scratch planes (*[]float32) to the kernels that
// normalise a plane's rows once before reading them several times.
var prePlanes sync.Pool

// prePlane borrows a scratch plane of n floats; put it back with
// prePlanes.Put(buf) when done.
func prePlane(n int) (buf *[]float32, plane []float32) {
	buf, _ = prePlanes.Get().(*[]float32)
	if buf == nil {
		buf = new([]float32)
	}
	*buf = growFloats(*buf, n)
	return buf, *buf
}
