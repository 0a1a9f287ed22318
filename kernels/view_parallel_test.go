package kernels

import (
	"fmt"
	"testing"
)

// Threading: every kernel that splits work across the kernel threads must
// give the same bits with 1, 2 or 3 threads (3 splits differently from 2
// even on a 2-core machine), must not allocate on the parallel path, and
// must keep strided views exact when chunks start inside samples.

// withThreads runs f with the kernel pool at n threads, then restores it.
func withThreads(n int, f func()) {
	old := Threads()
	SetThreads(n)
	defer SetThreads(old)
	f()
}

// sameUnderThreads runs run under 1, 2 and 3 threads; run starts from the
// same inputs each time and returns its outputs, which must agree bit for
// bit.
func sameUnderThreads(t *testing.T, name string, run func() [][]float32) {
	t.Helper()
	var ref [][]float32
	for _, n := range []int{1, 2, 3} {
		var out [][]float32
		withThreads(n, func() { out = run() })
		if ref == nil {
			ref = out
			continue
		}
		for k := range ref {
			if i := samebits(out[k], ref[k]); i >= 0 {
				t.Errorf("%s: output %d element %d is %v with %d threads, %v with 1", name, k, i, out[k][i], n, ref[k][i])
				return
			}
		}
	}
}

func clone(s []float32) []float32 { return append([]float32(nil), s...) }

func TestThreadsElementwise(t *testing.T) {
	r := newRand(1300)
	const n = 5*eltGrain + 17 // splits inside the flat range
	x, _ := randVec(r, n)
	for i := range x {
		x[i] *= 8
	}
	y0, _ := randVec(r, n)
	dy, _ := randVec(r, n)
	base, _ := randVec(r, n)
	mask := make([]float32, n)
	DropoutForward(0.3, true, NewRNG(1), x, make([]float32, n), mask)
	// Strided views: 7 samples of 9000 in a buffer with stride 9500.
	vx, vy := make([]float32, 7*9500), make([]float32, 7*9500)
	copy(vx, x)
	copy(vy, dy)
	view := func(d []float32) View { return View{Data: d, N: 7, Len: 9000, Stride: 9500} }
	for _, a := range elementwise {
		sameUnderThreads(t, a.name+" forward", func() [][]float32 {
			y := garbage(n)
			a.fwd(x, y)
			vo := clone(vy)
			a.fwdView(view(vx), view(vo))
			return [][]float32{y, vo}
		})
		for _, acc := range []bool{false, true} {
			sameUnderThreads(t, fmt.Sprintf("%s backward acc=%v", a.name, acc), func() [][]float32 {
				dx := clone(base)
				a.bwd(y0, dy, dx, acc)
				vo := clone(vy)
				a.bwdView(view(vx), view(vx), view(vo), acc)
				return [][]float32{dx, vo}
			})
		}
	}
	sameUnderThreads(t, "add, concat, dropout backward", func() [][]float32 {
		s, c := garbage(n), make([]float32, 2*n)
		AddForward(x, dy, s)
		ConcatForward(1, n, 1, 1, 2, x, c)
		dx := clone(base)
		AddBackward(dy, dx, true)
		dd := clone(base)
		DropoutBackward(0.3, true, mask, dy, dd, true)
		cb := clone(base)
		ConcatBackward(1, n, 1, 1, 2, c, cb, true)
		return [][]float32{s, c, dx, dd, cb}
	})
}

func TestThreadsPool(t *testing.T) {
	r := newRand(1301)
	for _, g := range []PoolGeom{
		{N: 3, C: 40, H: 23, W: 21, KH: 3, KW: 3, SH: 2, SW: 2, PH: 1, PW: 1, CeilMode: true},
		{N: 2, C: 50, H: 16, W: 16, KH: 2, KW: 2, SH: 2, SW: 2},
		{N: 2, C: 50, H: 12, W: 12, KH: 3, KW: 3, SH: 1, SW: 1, PH: 1, PW: 1, CountIncludePad: true},
	} {
		if err := g.Init(); err != nil {
			t.Fatal(err)
		}
		x := poolData(r, 1, g.InLen())
		dy, _ := randVec(r, g.OutLen())
		base, _ := randVec(r, g.InLen())
		sameUnderThreads(t, fmt.Sprintf("pool %+v", g), func() [][]float32 {
			my, ay := garbage(g.OutLen()), garbage(g.OutLen())
			MaxPoolForward(g, x, my)
			AvgPoolForward(g, x, ay)
			mdx, adx := clone(base), clone(base)
			MaxPoolBackward(g, x, dy, mdx, true)
			AvgPoolBackward(g, dy, adx, false)
			return [][]float32{my, ay, mdx, adx}
		})
	}
	ag := AdaptivePoolGeom{N: 4, C: 300, H: 7, W: 7, OH: 1, OW: 1}
	x, _ := randVec(r, ag.InLen())
	dy, _ := randVec(r, ag.OutLen())
	sameUnderThreads(t, "adaptive pool", func() [][]float32 {
		y, dx := garbage(ag.OutLen()), garbage(ag.InLen())
		AdaptiveAvgPoolForward(ag, x, y)
		AdaptiveAvgPoolBackward(ag, dy, dx, false)
		return [][]float32{y, dx}
	})
}

func TestThreadsBatchNorm(t *testing.T) {
	r := newRand(1302)
	for _, g := range []BatchNormGeom{
		{N: 4, C: 9, HW: 2048, Eps: 1e-5, Momentum: 0.1}, // wide: one channel per item
		{N: 64, C: 300, HW: 3, Eps: 1e-5, Momentum: 0.1}, // narrow: blocks of channels
		{N: 512, C: 100, HW: 1, Eps: 1e-5, Momentum: 0.1},
	} {
		x, _ := randVec(r, g.Len())
		dy, _ := randVec(r, g.Len())
		gamma, _ := randVec(r, g.C)
		beta, _ := randVec(r, g.C)
		rv := make([]float32, g.C)
		for i := range rv {
			rv[i] = 0.5 + r.Float32()
		}
		base, _ := randVec(r, g.Len())
		sameUnderThreads(t, fmt.Sprintf("batchnorm %+v", g), func() [][]float32 {
			y, yr := garbage(g.Len()), garbage(g.Len())
			rm, rvar := make([]float32, g.C), clone(rv)
			sm, si := garbage(g.C), garbage(g.C)
			BatchNormForwardTrain(g, x, gamma, beta, y, rm, rvar, sm, si)
			BatchNormReLUForwardTrain(g, x, gamma, beta, yr, rm, rvar, sm, si)
			ye := garbage(g.Len())
			BatchNormReLUForwardEval(g, x, gamma, beta, rm, rvar, ye)
			dx, dxr := garbage(g.Len()), clone(base)
			dg, db := garbage(g.C), garbage(g.C)
			BatchNormBackward(g, x, dy, gamma, sm, si, dx, dg, db, false)
			dgr, dbr := garbage(g.C), garbage(g.C)
			BatchNormReLUBackward(g, x, yr, dy, gamma, sm, si, dxr, dgr, dbr, true)
			return [][]float32{y, yr, ye, rm, rvar, sm, si, dx, dxr, dg, db, dgr, dbr}
		})
	}
}

func TestThreadsSGDAndLoss(t *testing.T) {
	r := newRand(1303)
	const n = 3*sgdGrain + 11
	w0, _ := randVec(r, n)
	g, _ := randVec(r, n)
	buf0, _ := randVec(r, n)
	for _, o := range []SGD{
		{LR: 0.1},
		{LR: 0.1, WeightDecay: 1e-2},
		{LR: 0.1, Momentum: 0.9, Dampening: 0.1, WeightDecay: 1e-2},
		{LR: 0.1, Momentum: 0.9, WeightDecay: 1e-2, Nesterov: true},
	} {
		for _, first := range []bool{true, false} {
			sameUnderThreads(t, fmt.Sprintf("sgd %+v first=%v", o, first), func() [][]float32 {
				w, buf := clone(w0), clone(buf0)
				o.Step(w, g, buf, first)
				return [][]float32{w, buf}
			})
		}
	}
	const rows, classes = 500, 100
	logits, _ := randVec(r, rows*classes)
	labels := make([]int32, rows)
	for i := range labels {
		labels[i] = int32(r.IntN(classes))
	}
	sameUnderThreads(t, "cross-entropy", func() [][]float32 {
		d := garbage(rows * classes)
		loss, correct := SoftmaxCrossEntropy(rows, classes, logits, labels, d)
		return [][]float32{d, {loss, float32(correct)}}
	})
}

// TestNoAllocsParallel runs every splitting kernel at sizes where it does
// split (2 threads).
func TestNoAllocsParallel(t *testing.T) {
	withThreads(2, func() {
		r := newRand(1304)
		const n = 4 * eltGrain
		x, _ := randVec(r, n)
		y, dx := make([]float32, n), make([]float32, n)
		mask := make([]float32, n)
		v := View{Data: make([]float32, 4*(n/4+100)), N: 4, Len: n / 4, Stride: n/4 + 100}
		pg := PoolGeom{N: 4, C: 32, H: 24, W: 24, KH: 3, KW: 3, SH: 2, SW: 2, PH: 1, PW: 1}
		ag := AdaptivePoolGeom{N: 4, C: 512, H: 6, W: 6, OH: 1, OW: 1}
		bg := BatchNormGeom{N: 4, C: 16, HW: 1024, Eps: 1e-5, Momentum: 0.1}
		ng := BatchNormGeom{N: 256, C: 256, HW: 1, Eps: 1e-5, Momentum: 0.1}
		if pg.Init() != nil || ag.Init() != nil {
			t.Fatal("bad geometry")
		}
		px, py, pdx := make([]float32, pg.InLen()), make([]float32, pg.OutLen()), make([]float32, pg.InLen())
		ax, ay := make([]float32, ag.InLen()), make([]float32, ag.OutLen())
		st := make([]float32, 6*256)
		for i := range st {
			st[i] = 1
		}
		gam, rm, rv, sm, si, dg := st[:256], st[256:512], st[512:768], st[768:1024], st[1024:1280], st[1280:]
		buf := make([]float32, n)
		labels := make([]int32, 400)
		logits, dl := make([]float32, 400*100), make([]float32, 400*100)
		a := testing.AllocsPerRun(3, func() {
			SigmoidForward(x, y)
			TanhForwardView(v, v)
			ReLUBackward(y, x, dx, true)
			ReLU6BackwardView(v, v, v, false)
			AddForward(x, y, dx)
			ConcatForward(4, n/4, 1, 0, 1, x, y)
			DropoutBackward(0.5, true, mask, x, dx, false)
			MaxPoolForward(pg, px, py)
			MaxPoolBackward(pg, px, py, pdx, true)
			AvgPoolForward(pg, px, py)
			AvgPoolBackward(pg, py, pdx, false)
			AdaptiveAvgPoolForward(ag, ax, ay)
			AdaptiveAvgPoolBackward(ag, ay, ax, false)
			BatchNormReLUForwardTrain(bg, x, gam[:16], nil, y, rm[:16], rv[:16], sm[:16], si[:16])
			BatchNormReLUBackward(bg, x, y, x, gam[:16], sm[:16], si[:16], dx, dg[:16], nil, false)
			BatchNormForwardTrain(ng, x, gam, nil, y, rm, rv, sm, si)
			BatchNormBackward(ng, x, y, gam, sm, si, dx, dg, nil, true)
			SGD{LR: 0.1, Momentum: 0.9}.Step(buf, x, dx, false)
			SoftmaxCrossEntropy(400, 100, logits, labels, dl)
		})
		if a != 0 {
			t.Errorf("parallel kernels: %v allocations per run, want 0", a)
		}
	})
}

// TestStridedParallel repeats the strided-view checks (dense results, NaN
// padding untouched) at sizes where chunks start inside samples.
func TestStridedParallel(t *testing.T) {
	withThreads(3, func() {
		r := newRand(1305)
		const n, c, hw = 3, 5, 3001
		op := func() *strided { return newStrided(r, layoutSliced, n, c, hw) }
		for _, a := range elementwise {
			x, y := op().fill(r).scaled(8), op()
			sameAsDense(t, a.name+" forward, parallel", 0, []*strided{x, y}, func(c call) {
				if c.strided {
					a.fwdView(c.view(0), c.view(1))
				} else {
					a.fwd(c.s[0], c.s[1])
				}
			})
			yv, dy, dx := op().fill(r).scaled(8), op().fill(r), op().fill(r)
			sameAsDense(t, a.name+" backward, parallel", 0, []*strided{yv, dy, dx}, func(c call) {
				if c.strided {
					a.bwdView(c.view(0), c.view(1), c.view(2), true)
				} else {
					a.bwd(c.s[0], c.s[1], c.s[2], true)
				}
			})
		}
		a, b, y := op().fill(r), op().fill(r), op()
		sameAsDense(t, "add forward, parallel", 0, []*strided{a, b, y}, func(c call) {
			if c.strided {
				AddForwardView(c.view(0), c.view(1), c.view(2))
			} else {
				AddForward(c.s[0], c.s[1], c.s[2])
			}
		})
		mask := plain(r, n*c*hw)
		DropoutForward(0.5, true, NewRNG(2), make([]float32, n*c*hw), make([]float32, n*c*hw), mask.buf[mask.start:])
		dy, dx := op().fill(r), op()
		sameAsDense(t, "dropout backward, parallel", 0, []*strided{mask, dy, dx}, func(c call) {
			if c.strided {
				DropoutBackwardView(0.5, true, c.s[0], c.view(1), c.view(2), false)
			} else {
				DropoutBackward(0.5, true, c.s[0], c.s[1], c.s[2], false)
			}
		})

		g := PoolGeom{N: 3, C: 24, H: 19, W: 17, KH: 3, KW: 3, SH: 2, SW: 2, PH: 1, PW: 1}
		if err := g.Init(); err != nil {
			t.Fatal(err)
		}
		px := newStrided(r, layoutSliced, g.N, g.C, g.H*g.W).fill(r)
		py := newStrided(r, layoutSliced, g.N, g.C, g.OH*g.OW)
		geom := func(c call, xi, yi int) PoolGeom {
			gg := g
			gg.XStride, gg.YStride = c.stride(xi), c.stride(yi)
			return gg
		}
		sameAsDense(t, "max pool forward, parallel", 0, []*strided{px, py}, func(c call) {
			MaxPoolForward(geom(c, 0, 1), c.s[0], c.s[1])
		})
		pdy, pdx := py.like(r).fill(r), px.like(r).fill(r)
		sameAsDense(t, "max pool backward, parallel", 0, []*strided{px, pdy, pdx}, func(c call) {
			MaxPoolBackward(geom(c, 0, 1), c.s[0], c.s[1], c.s[2], true)
		})
		sameAsDense(t, "avg pool backward, parallel", 0, []*strided{pdy, pdx}, func(c call) {
			AvgPoolBackward(geom(c, 1, 0), c.s[0], c.s[1], true)
		})

		for _, bg := range []BatchNormGeom{
			{N: 3, C: 12, HW: 3000, Eps: 1e-5, Momentum: 0.1},
			{N: 70, C: 400, HW: 2, Eps: 1e-5, Momentum: 0.1},
		} {
			bx := newStrided(r, layoutSliced, bg.N, bg.C, bg.HW).fill(r)
			by := newStrided(r, layoutSliced, bg.N, bg.C, bg.HW)
			gm, st := plain(r, bg.C).fill(r), plain(r, 2*bg.C)
			bgeom := func(c call, xi, yi int) BatchNormGeom {
				gg := bg
				gg.XStride, gg.YStride = c.stride(xi), c.stride(yi)
				return gg
			}
			sameAsDense(t, fmt.Sprintf("batchnorm relu train HW=%d, parallel", bg.HW), 0, []*strided{bx, gm, by, st}, func(c call) {
				s := c.s[3]
				BatchNormReLUForwardTrain(bgeom(c, 0, 2), c.s[0], c.s[1], nil, c.s[2], nil, nil, s[:bg.C], s[bg.C:])
			})
			sm, si := make([]float32, bg.C), make([]float32, bg.C)
			yv := by.like(r)
			BatchNormReLUForwardTrain(bg, bx.get(), gm.get(), nil, make([]float32, bg.Len()), nil, nil, sm, si)
			yv.fill(r)
			bdy, bdx := by.like(r).fill(r), bx.like(r).fill(r)
			sv := plain(r, 2*bg.C)
			sv.set(append(sm, si...))
			sameAsDense(t, fmt.Sprintf("batchnorm relu backward HW=%d, parallel", bg.HW), 0, []*strided{bx, yv, bdy, gm, sv, bdx}, func(c call) {
				s := c.s[4]
				BatchNormReLUBackward(bgeom(c, 0, 1), c.s[0], c.s[1], c.s[2], c.s[3], s[:bg.C], s[bg.C:], c.s[5], nil, nil, true)
			})
		}
	})
}
