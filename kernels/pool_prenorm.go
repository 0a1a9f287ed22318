package kernels

import "fmt"

// AvgPoolForwardPreNorm computes y = avgpool(pre(x)) without writing
// pre(x): each plane is normalised into a scratch plane and pooled from
// there as AvgPoolForward pools it, so y has the bits of the batchnorm
// step followed by the pooling (DenseNet's transitions: batchnorm, ReLU,
// then the pooling that pool-first moved before the 1x1 conv).
func AvgPoolForwardPreNorm(g PoolGeom, pre *PreNorm, x, y []float32) {
	need("avgpool x", x, g.InSpan())
	need("avgpool y", y, g.OutSpan())
	need("avgpool prenorm scale", pre.Scale, g.C)
	need("avgpool prenorm shift", pre.Shift, g.C)
	if pre.hw != g.H*g.W {
		panic(fmt.Sprintf("kernels: avgpool: prenorm set for %d-value planes, input planes have %d", pre.hw, g.H*g.W))
	}
	t := poolTask{op: poolAvgForward, g: g, x: x, y: y, pre: pre}
	t.run()
}

// avgPreNorm pools planes [lo, hi) of pre(x).
func (t *poolTask) avgPreNorm(lo, hi int) {
	g := &t.g
	buf, plane := prePlane(g.H * g.W)
	defer prePlanes.Put(buf)
	for p := lo; p < hi; p++ {
		n, c := p/g.C, p%g.C
		t.pre.span(plane, g.xPlane(t.x, n, c), c, 0)
		avgForwardPlane(g, plane, g.yPlane(t.y, n, c))
	}
}
