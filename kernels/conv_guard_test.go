package kernels

import (
	"fmt"
	"testing"
)

// TestConvReadsStayInside: every conv algorithm, forward (plain, with
// packed weights, with a pre-applied batchnorm), backward data and
// backward filter, reads and writes nothing outside its operands and
// workspace: each runs with all of them placed against an unreadable page,
// before their first element and after their last, and must give the bits
// it gives on the Go heap (where TestConvAlgos holds it to the float64
// references). Batch 1 and 2 put the first and last plane at the edges.
func TestConvReadsStayInside(t *testing.T) {
	cases := []ConvGeom{
		cgeom(1, 3, 7, 5, 4, 3, 3, 1, 1, 1, 1),
		cgeom(2, 2, 6, 9, 3, 3, 3, 1, 0, 1, 1),
		cgeom(1, 2, 12, 13, 3, 3, 3, 1, 1, 1, 1),
		cgeom(1, 8, 3, 3, 2, 3, 3, 1, 1, 1, 1),
		cgeom(1, 4, 5, 5, 4, 3, 3, 1, 1, 1, 4),
		cgeom(2, 3, 10, 7, 6, 3, 3, 2, 1, 1, 3),
		cgeom(1, 6, 3, 3, 4, 1, 1, 1, 0, 1, 1),
		cgeom(1, 4, 9, 9, 6, 1, 1, 2, 0, 1, 2),
		cgeom(1, 3, 9, 10, 4, 3, 3, 2, 1, 1, 1),
		cgeom(1, 1, 28, 28, 6, 5, 5, 1, 0, 1, 1),
		cgeom(1, 6, 12, 12, 16, 5, 5, 1, 0, 1, 1),
		cgeom(1, 3, 9, 40, 11, 3, 4, 1, 0, 1, 1),
		cgeom(1, 2, 5, 5, 17, 3, 2, 1, 0, 1, 1),
		cgeom(1, 1, 3, 3, 1, 3, 3, 1, 0, 1, 1),
		cgeom(1, 3, 9, 7, 5, 5, 5, 1, 2, 1, 1),
		cgeom(1, 2, 6, 8, 3, 5, 5, 1, 0, 1, 1),
		cgeom(1, 2, 4, 5, 2, 5, 5, 1, 5, 1, 1),
		cgeom(1, 1, 17, 17, 8, 7, 7, 2, 3, 1, 1), // a stem: 7x7 stride 2 on one channel
		cgeom(1, 16, 8, 8, 16, 3, 3, 1, 1, 1, 1), // 8-wide rows, whole vectors
	}
	for ci, g := range cases {
		if err := g.Init(); err != nil {
			t.Fatalf("case %d: %v", ci, err)
		}
		for _, algo := range allAlgos {
			if !g.Supports(algo) {
				continue
			}
			t.Run(fmt.Sprintf("%d/%v", ci, algo), func(t *testing.T) { checkConvReadsStayInside(t, g, algo, uint64(ci)) })
		}
	}
}

func checkConvReadsStayInside(t *testing.T, g ConvGeom, algo ConvAlgo, seed uint64) {
	r := newRand(9100 + seed)
	x, _ := randVec(r, g.InLen())
	w, _ := randVec(r, g.WeightLen())
	b, _ := randVec(r, g.K)
	dy, _ := randVec(r, g.OutLen())
	gamma, _ := randVec(r, g.C)
	beta, _ := randVec(r, g.C)
	mean, _ := randVec(r, g.C)
	variance := make([]float32, g.C)
	for i := range variance {
		variance[i] = 0.5 + float32(i%3)
	}
	var pre PreNorm
	pre.SetBatchNorm(1e-5, g.H*g.W, gamma, beta, mean, variance, true)
	fwd, bwd := g.Workspace(algo)
	preWs := g.WorkspacePreNorm(algo)
	var pw ConvPackedWeights
	packed := PackedAlgo(algo)
	if packed {
		pw.Pack(g, algo, w)
	}

	// Each pass, on heap operands (want) and on guarded ones (got).
	type run func(x, w, b, dy, ws []float32, pre *PreNorm, out, out2 []float32)
	passes := []struct {
		name       string
		ws         int
		out, out2  int
		prenorm    bool
		f          run
		onlyPacked bool
	}{
		{"forward", fwd, g.OutLen(), 0, false, func(x, w, b, _, ws []float32, _ *PreNorm, y, _ []float32) {
			ConvForwardAlgo(g, algo, x, w, b, y, ws, true)
		}, false},
		{"forward packed", fwd, g.OutLen(), 0, false, func(x, _, b, _, ws []float32, _ *PreNorm, y, _ []float32) {
			ConvForwardPacked(g, algo, &pw, x, b, y, ws, false)
		}, true},
		{"forward pre-normalised", preWs, g.OutLen(), 0, true, func(x, w, b, _, ws []float32, pre *PreNorm, y, _ []float32) {
			var p *ConvPackedWeights
			if PreNormNative(algo) {
				p = &pw
			}
			ConvForwardPreNorm(g, algo, pre, p, x, w, b, y, ws, true)
		}, false},
		{"backward data", bwd, g.InLen(), 0, false, func(_, w, _, dy, ws []float32, _ *PreNorm, dx, _ []float32) {
			ConvBackwardDataAlgo(g, algo, w, dy, dx, ws, false)
		}, false},
		{"backward filter", bwd, g.WeightLen(), g.K, false, func(x, _, _, dy, ws []float32, _ *PreNorm, dw, db []float32) {
			ConvBackwardFilterAlgo(g, algo, x, dy, dw, db, ws)
		}, false},
	}
	for _, p := range passes {
		if p.onlyPacked && !packed || p.prenorm && PreNormNative(algo) && !packed {
			continue
		}
		want, want2 := make([]float32, p.out), make([]float32, p.out2)
		p.f(x, w, b, dy, make([]float32, p.ws), &pre, want, want2)
		for _, atEnd := range []bool{false, true} {
			gp := pre
			gp.Scale, gp.Shift = guarded(t, pre.Scale, atEnd), guarded(t, pre.Shift, atEnd)
			got, got2 := guarded(t, make([]float32, p.out), atEnd), guarded(t, make([]float32, p.out2), atEnd)
			p.f(guarded(t, x, atEnd), guarded(t, w, atEnd), guarded(t, b, atEnd), guarded(t, dy, atEnd),
				guarded(t, make([]float32, p.ws), atEnd), &gp, got, got2)
			what := fmt.Sprintf("%v %+v %s, operands against the page after: %v", algo, g, p.name, atEnd)
			checkSame(t, what, got, want)
			checkSame(t, what+" (bias gradient)", got2, want2)
		}
	}
}
