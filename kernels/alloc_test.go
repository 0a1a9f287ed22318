package kernels

import "testing"

// serialSgemm is a plain loop Sgemm used to show that the kernels
// themselves allocate nothing at sizes where gonum's default would start
// goroutines (which allocate).
func serialSgemm(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			var s float32
			for p := 0; p < k; p++ {
				var av, bv float32
				if transA {
					av = a[p*lda+i]
				} else {
					av = a[i*lda+p]
				}
				if transB {
					bv = b[j*ldb+p]
				} else {
					bv = b[p*ldb+j]
				}
				s += av * bv
			}
			if beta == 0 {
				c[i*ldc+j] = alpha * s
			} else {
				c[i*ldc+j] = alpha*s + beta*c[i*ldc+j]
			}
		}
	}
}

func TestSerialSgemm(t *testing.T) {
	saved := Sgemm
	defer func() { Sgemm = saved }()
	Sgemm = serialSgemm
	TestConv(t) // the oracle tests also hold for the test-only Sgemm
}

// allocsOneStep runs one forward and backward of every kernel family.
func allocsOneStep(t *testing.T, cg ConvGeom) float64 {
	t.Helper()
	if err := cg.Init(); err != nil {
		t.Fatal(err)
	}
	r := newRand(1000)
	x, _ := randVec(r, cg.InLen())
	w, _ := randVec(r, cg.WeightLen())
	b, _ := randVec(r, cg.K)
	y := make([]float32, cg.OutLen())
	dy, _ := randVec(r, cg.OutLen())
	dx := make([]float32, cg.InLen())
	dw := make([]float32, cg.WeightLen())
	db := make([]float32, cg.K)
	col := make([]float32, cg.ColSize())

	bg := BatchNormGeom{N: cg.N, C: cg.K, HW: cg.OH * cg.OW, Eps: 1e-5, Momentum: 0.1}
	gamma, _ := randVec(r, bg.C)
	beta, _ := randVec(r, bg.C)
	rm, rv := make([]float32, bg.C), make([]float32, bg.C)
	for i := range rv {
		rv[i] = 1
	}
	sm, si := make([]float32, bg.C), make([]float32, bg.C)
	bnY, bnDx := make([]float32, bg.Len()), make([]float32, bg.Len())
	dg, dbeta := make([]float32, bg.C), make([]float32, bg.C)

	pg := PoolGeom{N: cg.N, C: cg.K, H: cg.OH, W: cg.OW, KH: 3, KW: 3, SH: 2, SW: 2, PH: 1, PW: 1, CeilMode: true}
	if err := pg.Init(); err != nil {
		t.Fatal(err)
	}
	py := make([]float32, pg.OutLen())
	ag := AdaptivePoolGeom{N: cg.N, C: cg.K, H: cg.OH, W: cg.OW, OH: 1, OW: 1}
	ay := make([]float32, ag.OutLen())
	const classes = 10
	lw, _ := randVec(r, classes*cg.K)
	logits, dlogits := make([]float32, cg.N*classes), make([]float32, cg.N*classes)
	labels := make([]int32, cg.N)
	dfeat := make([]float32, cg.N*cg.K)
	dlw := make([]float32, classes*cg.K)
	mask := make([]float32, bg.Len())
	cat := make([]float32, 2*bg.Len())
	mom := make([]float32, len(w))
	rng := NewRNG(1)
	opt := SGD{LR: 0.1, Momentum: 0.9, WeightDecay: 1e-4}
	hw := cg.OH * cg.OW

	return testing.AllocsPerRun(3, func() {
		ConvForward(cg, x, w, b, y, col)
		BatchNormReLUForwardTrain(bg, y, gamma, beta, bnY, rm, rv, sm, si)
		BatchNormForwardTrain(bg, y, gamma, beta, bnY, rm, rv, sm, si)
		BatchNormForwardEval(bg, y, gamma, beta, rm, rv, bnY)
		ReLUForward(bnY, bnY)
		SigmoidForward(bnY, bnY)
		DropoutForward(0.5, true, rng, bnY, bnY, mask)
		AddForward(bnY, y, bnY)
		ConcatForward(cg.N, hw, cg.K, 0, 2*cg.K, bnY, cat)
		ConcatForward(cg.N, hw, cg.K, cg.K, 2*cg.K, y, cat)
		MaxPoolForward(pg, bnY, py)
		AvgPoolForward(pg, bnY, py)
		AdaptiveAvgPoolForward(ag, bnY, ay)
		LinearForward(cg.N, cg.K, classes, ay, lw, nil, logits)
		SoftmaxCrossEntropy(cg.N, classes, logits, labels, dlogits)

		LinearBackwardData(cg.N, cg.K, classes, lw, dlogits, dfeat, false)
		LinearBackwardParams(cg.N, cg.K, classes, ay, dlogits, dlw, nil)
		AdaptiveAvgPoolBackward(ag, dfeat, bnDx, false)
		AvgPoolBackward(pg, py, bnDx, true)
		MaxPoolBackward(pg, bnY, py, bnDx, true)
		ConcatBackward(cg.N, hw, cg.K, 0, 2*cg.K, cat, bnDx, true)
		AddBackward(bnDx, dy, true)
		DropoutBackward(0.5, true, mask, bnDx, bnDx, false)
		SigmoidBackward(bnY, bnDx, bnDx, false)
		ReLUBackward(bnY, bnDx, bnDx, false)
		BatchNormBackward(bg, y, bnDx, gamma, sm, si, dy, dg, dbeta, false)
		BatchNormReLUBackward(bg, y, bnY, bnDx, gamma, sm, si, dy, dg, dbeta, true)
		ConvBackwardData(cg, w, dy, dx, col, true)
		ConvBackwardFilter(cg, x, dy, dw, db, col)
		opt.Step(w, dw, mom, false)
	})
}

func TestNoAllocs(t *testing.T) {
	// Small enough for gonum's serial path: every product fits in < 4
	// 64×64 blocks.
	small := ConvGeom{N: 2, C: 3, H: 9, W: 9, K: 8, KH: 3, KW: 3, SH: 1, SW: 1, PH: 1, PW: 1, DH: 1, DW: 1, Groups: 1}
	if a := allocsOneStep(t, small); a != 0 {
		t.Errorf("small step with gonum Sgemm: %v allocations per run, want 0", a)
	}
	// Realistic shape with a serial Sgemm: the kernels allocate nothing
	// themselves (gonum's parallel path would, and a faster GEMM must not).
	saved := Sgemm
	defer func() { Sgemm = saved }()
	Sgemm = serialSgemm
	resnet := ConvGeom{N: 2, C: 16, H: 24, W: 24, K: 16, KH: 3, KW: 3, SH: 1, SW: 1, PH: 1, PW: 1, DH: 1, DW: 1, Groups: 1}
	if a := allocsOneStep(t, resnet); a != 0 {
		t.Errorf("ResNet-shaped step with serial Sgemm: %v allocations per run, want 0", a)
	}
	pointwise := ConvGeom{N: 2, C: 16, H: 12, W: 12, K: 8, KH: 1, KW: 1, SH: 1, SW: 1, DH: 1, DW: 1, Groups: 2}
	if a := allocsOneStep(t, pointwise); a != 0 {
		t.Errorf("pointwise step with serial Sgemm: %v allocations per run, want 0", a)
	}
}

// TestNoAllocsStrided runs the strided forms: geometries with XStride and
// YStride (a channel slice of a buffer with twice the channels) and the
// View kernels.
func TestNoAllocsStrided(t *testing.T) {
	saved := Sgemm
	defer func() { Sgemm = saved }()
	Sgemm = serialSgemm
	cg := ConvGeom{N: 2, C: 8, H: 12, W: 12, K: 8, KH: 3, KW: 3, SH: 1, SW: 1, PH: 1, PW: 1, DH: 1, DW: 1, Groups: 1}
	hw := cg.H * cg.W
	cg.XStride, cg.YStride = 2*cg.C*hw, 2*cg.K*hw
	if err := cg.Init(); err != nil {
		t.Fatal(err)
	}
	r := newRand(1001)
	buf, _ := randVec(r, 2*cg.N*2*cg.C*hw) // x in channels [C, 2C), y in [0, K) of the next buffer
	x, y := buf[cg.C*hw:], buf[cg.N*2*cg.C*hw:]
	dx, dy := make([]float32, cg.InSpan()), make([]float32, cg.OutSpan())
	w, _ := randVec(r, cg.WeightLen())
	dw, db, col := make([]float32, cg.WeightLen()), make([]float32, cg.K), make([]float32, cg.ColSize())
	bg := BatchNormGeom{N: cg.N, C: cg.K, HW: hw, Eps: 1e-5, Momentum: 0.1, XStride: cg.YStride, YStride: cg.XStride}
	if err := bg.Init(); err != nil {
		t.Fatal(err)
	}
	st := make([]float32, 4*bg.C)
	for i := range st {
		st[i] = 1
	}
	rm, rv, sm, si := st[:bg.C], st[bg.C:2*bg.C], st[2*bg.C:3*bg.C], st[3*bg.C:]
	dg, dbeta := make([]float32, bg.C), make([]float32, bg.C)
	pg := PoolGeom{N: cg.N, C: cg.C, H: cg.H, W: cg.W, KH: 2, KW: 2, SH: 2, SW: 2, XStride: cg.XStride, YStride: cg.C * hw}
	ag := AdaptivePoolGeom{N: cg.N, C: cg.C, H: cg.H, W: cg.W, OH: 1, OW: 1, XStride: cg.XStride, YStride: 2 * cg.C}
	if err := pg.Init(); err != nil {
		t.Fatal(err)
	}
	if err := ag.Init(); err != nil {
		t.Fatal(err)
	}
	py, ay := make([]float32, pg.OutSpan()), make([]float32, ag.OutSpan())
	xv := View{Data: x, N: cg.N, Len: cg.C * hw, Stride: cg.XStride}
	yv := View{Data: y, N: cg.N, Len: cg.K * hw, Stride: cg.YStride}
	dv := View{Data: dx, N: cg.N, Len: cg.C * hw, Stride: cg.XStride}
	mask := make([]float32, cg.N*cg.C*hw)
	rng := NewRNG(1)

	a := testing.AllocsPerRun(3, func() {
		ConvForward(cg, x, w, nil, y, col)
		BatchNormReLUForwardTrain(bg, y, nil, nil, x, rm, rv, sm, si)
		BatchNormForwardEval(bg, y, nil, nil, rm, rv, x)
		ReLUForwardView(yv, yv)
		TanhForwardView(xv, yv)
		DropoutForwardView(0.5, true, rng, xv, xv, mask)
		AddForwardView(xv, yv, xv)
		MaxPoolForward(pg, x, py)
		AvgPoolForward(pg, x, py)
		AdaptiveAvgPoolForward(ag, x, ay)

		AdaptiveAvgPoolBackward(ag, ay, dx, false)
		AvgPoolBackward(pg, py, dx, true)
		MaxPoolBackward(pg, x, py, dx, true)
		AddBackwardView(yv, dv, true)
		DropoutBackwardView(0.5, true, mask, dv, dv, false)
		ReLUBackwardView(yv, dv, dv, false)
		SigmoidBackwardView(xv, dv, yv, true)
		BatchNormBackward(bg, y, dx, nil, sm, si, dy, dg, dbeta, false)
		BatchNormReLUBackward(bg, y, x, dx, nil, sm, si, dy, dg, dbeta, true)
		ConvBackwardData(cg, w, dy, dx, col, false)
		ConvBackwardFilter(cg, x, dy, dw, db, col)
	})
	if a != 0 {
		t.Errorf("strided step: %v allocations per run, want 0", a)
	}
}
