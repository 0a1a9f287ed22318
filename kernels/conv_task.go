package kernels

import "sync"

// convTask is the parallel part of a conv algorithm (unfolding, gathering,
// transforms, direct loops) over independent items [0, n): (sample, channel)
// planes, channels, samples. Items write disjoint outputs, each in a fixed
// order, so results do not depend on how Parallel splits the range.
//
// One struct serves every algorithm (op selects the loop) so that there is
// a single long-lived copy to hand to the workers: Parallel takes a Task
// interface, and a pointer to a caller's local would escape to the heap on
// every call.
type convTask struct {
	op       convOp
	g        ConvGeom
	c        chunk
	wg       winoGeom
	src, dst []float32
	src2     []float32 // a second input: dy for weight gradients
	w, bias  []float32
	ld       int // row stride of the chunk matrix (its column count)
	pcols    int // columns of one sample in the chunk
	acc      bool
	relu     bool
	pre      *PreNorm // im2col, Winograd input, opPreNorm: normalise what is read
}

type convOp int

const (
	opIm2col convOp = iota
	opCol2im
	opGather
	opScatter
	opBiasGrad
	opWinoWeights
	opWinoWeightsFlip
	opWinoInput
	opWinoOutput
	opWinoGradOut
	opWinoWeightGrad
	opDepthwiseForward
	opDepthwiseData
	opDepthwiseFilter
	opDirectForward
	opDirectFilter
	opDirectFilterAVX2
	opPreNorm
)

func (t *convTask) Run(lo, hi int) {
	switch t.op {
	case opIm2col:
		t.im2col(lo, hi)
	case opCol2im:
		t.col2im(lo, hi)
	case opGather:
		t.gather(lo, hi)
	case opScatter:
		t.scatter(lo, hi)
	case opBiasGrad:
		t.biasGrad(lo, hi)
	case opWinoWeights:
		t.winoWeights(lo, hi, false)
	case opWinoWeightsFlip:
		t.winoWeights(lo, hi, true)
	case opWinoInput:
		t.winoInput(lo, hi)
	case opWinoOutput:
		t.winoOutput(lo, hi)
	case opWinoGradOut:
		t.winoGradOut(lo, hi)
	case opWinoWeightGrad:
		t.winoWeightGrad(lo, hi)
	case opDepthwiseForward:
		t.depthwiseForward(lo, hi)
	case opDepthwiseData:
		t.depthwiseData(lo, hi)
	case opDepthwiseFilter:
		t.depthwiseFilter(lo, hi)
	case opDirectForward:
		t.directForward(lo, hi)
	case opDirectFilter:
		t.directFilter(lo, hi)
	case opDirectFilterAVX2:
		t.directFilterAVX2(lo, hi)
	case opPreNorm:
		t.preNormPlanes(lo, hi)
	}
}

// parMinWork is the work (elements read or written) below which a range
// runs on the calling thread: handing a chunk to a parked worker costs a
// few microseconds, about the time to stream 16K floats.
const parMinWork = 1 << 14

var convShared struct {
	mu sync.Mutex
	t  convTask
}

// run runs t over items [0, n), each touching about cost elements, on the
// kernel threads when there is enough work. A call made while another conv
// holds the shared copy (concurrent kernels) runs on the caller alone.
func (t *convTask) run(n, cost int) {
	minChunk := divUp(parMinWork, max(1, cost))
	if n < 2*minChunk || !convShared.mu.TryLock() {
		t.Run(0, n)
		return
	}
	convShared.t = *t
	Parallel(n, minChunk, &convShared.t)
	convShared.t = convTask{} // do not pin the caller's slices
	convShared.mu.Unlock()
}

// biasGrad sets dbias[k] = Σ over samples and positions of dy[k], summed in
// float64 per channel, channels in parallel.
func biasGrad(g ConvGeom, dy, dbias []float32) {
	t := convTask{op: opBiasGrad, g: g, src: dy, dst: dbias}
	t.run(g.K, g.N*g.OH*g.OW)
}

func (t *convTask) biasGrad(lo, hi int) {
	g := t.g
	ohw, ys := g.OH*g.OW, g.yStride()
	for k := lo; k < hi; k++ {
		var s float64
		for n := 0; n < g.N; n++ {
			o := n*ys + k*ohw
			s += sum64(t.src[o : o+ohw])
		}
		t.dst[k] = float32(s)
	}
}
