package kernels

import "sync"

// poolTask runs a pooling kernel (max, average, adaptive average; forward
// or backward) over (sample, channel) planes [0, N*C), split across the
// kernel threads. Planes are independent and each is computed in a fixed
// order, so results do not depend on the split.
//
// One struct serves every pooling op so that there is a single long-lived
// copy to hand to the workers (see eltTask).
type poolTask struct {
	op  poolOp
	g   PoolGeom
	ag  AdaptivePoolGeom
	x   []float32 // input (max pool forward and backward, forward ops)
	y   []float32 // output, or dy for backward ops
	dx  []float32
	arg []int32  // max pooling's argmax indices, dense N*C*OH*OW (nil: not kept)
	pre *PreNorm // average pooling forward: normalise x as it is read
	acc bool
}

type poolOp uint8

const (
	poolMaxForward poolOp = iota
	poolMaxBackwardArgmax
	poolAvgForward
	poolAvgBackward
	poolAdaptiveForward
	poolAdaptiveBackward
)

// poolGrain is the elements (input plus output) below which work stays on
// the calling thread: waking a worker costs about as much as streaming 16K
// floats.
const poolGrain = 1 << 14

var poolShared struct {
	mu sync.Mutex
	t  poolTask
}

func (t *poolTask) adaptive() bool {
	return t.op == poolAdaptiveForward || t.op == poolAdaptiveBackward
}

func (t *poolTask) run() {
	planes, per := t.g.N*t.g.C, t.g.H*t.g.W+t.g.OH*t.g.OW
	if t.adaptive() {
		planes, per = t.ag.N*t.ag.C, t.ag.H*t.ag.W+t.ag.OH*t.ag.OW
	}
	grain := (poolGrain + per - 1) / max(per, 1)
	if planes < 2*grain || !poolShared.mu.TryLock() {
		t.Run(0, planes)
		return
	}
	poolShared.t = *t
	Parallel(planes, grain, &poolShared.t)
	poolShared.t = poolTask{} // do not pin the caller's slices
	poolShared.mu.Unlock()
}

// Run pools planes [lo, hi).
func (t *poolTask) Run(lo, hi int) {
	if t.adaptive() {
		g := &t.ag
		for p := lo; p < hi; p++ {
			n, c := p/g.C, p%g.C
			if t.op == poolAdaptiveForward {
				adaptiveForwardPlane(g, g.xPlane(t.x, n, c), g.yPlane(t.y, n, c))
			} else {
				adaptiveBackwardPlane(g, g.yPlane(t.y, n, c), g.xPlane(t.dx, n, c), t.acc)
			}
		}
		return
	}
	g := &t.g
	if t.pre != nil {
		t.avgPreNorm(lo, hi)
		return
	}
	if t.op == poolAvgForward && g.avg2x2Fast() && g.H == 2*g.OH {
		avg2x2Planes(g, t.x, t.y, lo, hi)
		return
	}
	if t.op == poolAvgBackward && !t.acc && g.avg2x2BackwardWhole() {
		avg2x2BackwardPlanes(g, t.y, t.dx, lo, hi)
		return
	}
	var scratch poolScratch // on the stack: Run may run concurrently
	if t.op == poolMaxForward && (t.arg == nil && g.maxStackOK() || t.arg != nil && g.maxArgOK()) {
		maxForwardStacked(g, t.x, t.y, t.arg, lo, hi, &scratch)
		scratch.vec.releaseEdges()
		return
	}
	for p := lo; p < hi; p++ {
		n, c := p/g.C, p%g.C
		switch t.op {
		case poolMaxForward:
			var arg []int32
			if t.arg != nil {
				arg = t.arg[p*g.OH*g.OW : (p+1)*g.OH*g.OW]
			}
			maxForwardPlane(g, g.xPlane(t.x, n, c), g.yPlane(t.y, n, c), arg, &scratch)
		case poolMaxBackwardArgmax:
			maxBackwardArgmax(t.arg[p*g.OH*g.OW:(p+1)*g.OH*g.OW], g.yPlane(t.y, n, c), g.xPlane(t.dx, n, c), t.acc)
		case poolAvgForward:
			avgForwardPlane(g, g.xPlane(t.x, n, c), g.yPlane(t.y, n, c))
		case poolAvgBackward:
			avgBackwardPlane(g, g.yPlane(t.y, n, c), g.xPlane(t.dx, n, c), t.acc)
		}
	}
}
