package kernels

import (
	"fmt"
	"math"
	"testing"
)

// bnTrainRef is training-mode batchnorm in float64: batch mean, biased
// variance, (x-mean)/sqrt(var+eps)*gamma + beta, optionally followed by ReLU.
func bnTrainRef(g BatchNormGeom, x, gamma, beta []float64, relu bool) []float64 {
	y := make([]float64, len(x))
	m := float64(g.N * g.HW)
	for c := 0; c < g.C; c++ {
		mean, v := 0.0, 0.0
		for n := 0; n < g.N; n++ {
			for i := 0; i < g.HW; i++ {
				mean += x[(n*g.C+c)*g.HW+i]
			}
		}
		mean /= m
		for n := 0; n < g.N; n++ {
			for i := 0; i < g.HW; i++ {
				d := x[(n*g.C+c)*g.HW+i] - mean
				v += d * d
			}
		}
		v /= m
		for n := 0; n < g.N; n++ {
			for i := 0; i < g.HW; i++ {
				j := (n*g.C+c)*g.HW + i
				y[j] = (x[j]-mean)/math.Sqrt(v+g.Eps)*gamma[c] + beta[c]
				if relu {
					y[j] = math.Max(y[j], 0)
				}
			}
		}
	}
	return y
}

var bnCases = []BatchNormGeom{
	{N: 2, C: 3, HW: 5, Eps: 1e-5, Momentum: 0.1},
	{N: 4, C: 5, HW: 1, Eps: 1e-5, Momentum: 0.1}, // BatchNorm1d
	{N: 1, C: 2, HW: 9, Eps: 1e-3, Momentum: 0.3},
	{N: 3, C: 1, HW: 16, Eps: 1e-5, Momentum: 0},
	// Wide channels (HW >= bnNarrowHW) take the per-channel path, the
	// cases above the blocked narrow one.
	{N: 2, C: 3, HW: 40, Eps: 1e-5, Momentum: 0.1},
	{N: 3, C: 2, HW: 37, Eps: 1e-3, Momentum: 0.2},
}

func TestBatchNormTrain(t *testing.T) {
	for ci, g := range bnCases {
		if err := g.Init(); err != nil {
			t.Fatal(err)
		}
		for _, relu := range []bool{false, true} {
			name := fmt.Sprintf("bn case %d %+v relu=%v", ci, g, relu)
			r := newRand(uint64(500 + ci))
			x, x64 := randVec(r, g.Len())
			gamma, gamma64 := randVec(r, g.C)
			beta, beta64 := randVec(r, g.C)
			dy, r64 := randVec(r, g.Len())
			if relu {
				// Keep every pre-activation away from the ReLU kink.
				for {
					pre := bnTrainRef(g, x64, gamma64, beta64, false)
					ok := true
					for _, v := range pre {
						ok = ok && math.Abs(v) > 1e-3
					}
					if ok {
						break
					}
					x, x64 = randVec(r, g.Len())
				}
			}
			f := func() []float64 { return bnTrainRef(g, x64, gamma64, beta64, relu) }
			y := garbage(g.Len())
			rm, rv := make([]float32, g.C), make([]float32, g.C)
			sm, si := garbage(g.C), garbage(g.C)
			fwd, bwd := BatchNormForwardTrain, BatchNormBackward
			if relu {
				fwd = BatchNormReLUForwardTrain
				bwd = func(g BatchNormGeom, x, dy, gamma, sm, si, dx, dg, db []float32, acc bool) {
					BatchNormReLUBackward(g, x, y, dy, gamma, sm, si, dx, dg, db, acc)
				}
			}
			fwd(g, x, gamma, beta, y, rm, rv, sm, si)
			expect(t, "batchnorm forward", name, y, f(), 1e-5)
			checkAccumulate(t, "batchnorm backward", name+" dx", g.Len(), fdGrad(x64, r64, f), 1e-5, func(dx []float32, acc bool) {
				bwd(g, x, dy, gamma, sm, si, dx, garbage(g.C), garbage(g.C), acc)
			})
			dg, db := garbage(g.C), garbage(g.C)
			bwd(g, x, dy, gamma, sm, si, garbage(g.Len()), dg, db, false)
			expect(t, "batchnorm backward params", name+" dgamma", dg, fdGrad(gamma64, r64, f), 1e-5)
			expect(t, "batchnorm backward params", name+" dbeta", db, fdGrad(beta64, r64, f), 1e-5)
		}
	}
}

// TestBatchNormRunningStats: one channel, x = 1, 2, 3, 4 (N=2, HW=2) worked
// by hand: mean 2.5, biased var 1.25, unbiased var 5/3. With momentum 0.1
// from running (0, 1): mean 0.25, var 0.9 + 0.1*5/3 = 1.0666…; a second
// step on x = 0, 0, 0, 4 (mean 1, unbiased var 4) gives mean 0.325, var
// 0.96 + 0.4 = 1.36. The normalised output uses the biased variance.
func TestBatchNormRunningStats(t *testing.T) {
	g := BatchNormGeom{N: 2, C: 1, HW: 2, Eps: 0, Momentum: 0.1}
	if err := g.Init(); err != nil {
		t.Fatal(err)
	}
	rm, rv := []float32{0}, []float32{1}
	sm, si := make([]float32, 1), make([]float32, 1)
	y := make([]float32, 4)
	BatchNormForwardTrain(g, []float32{1, 2, 3, 4}, nil, nil, y, rm, rv, sm, si)
	s := math.Sqrt(1.25)
	expect(t, "batchnorm running stats", "y", y, []float64{-1.5 / s, -0.5 / s, 0.5 / s, 1.5 / s}, 1e-6)
	expect(t, "batchnorm running stats", "saved mean, invstd", []float32{sm[0], si[0]}, []float64{2.5, 1 / s}, 1e-7)
	expect(t, "batchnorm running stats", "step 1 running stats", []float32{rm[0], rv[0]}, []float64{0.25, 0.9 + 0.1*5.0/3}, 1e-7)
	BatchNormForwardTrain(g, []float32{0, 0, 0, 4}, nil, nil, y, rm, rv, sm, si)
	expect(t, "batchnorm running stats", "step 2 running stats", []float32{rm[0], rv[0]}, []float64{0.325, 1.36}, 1e-7)

	// Eval mode uses the running statistics: (x - 0.325)/sqrt(1.36+eps)*gamma + beta.
	ge := BatchNormGeom{N: 1, C: 1, HW: 2, Eps: 1e-5}
	BatchNormForwardEval(ge, []float32{1, -1}, []float32{2}, []float32{0.5}, rm, rv, y)
	d := math.Sqrt(1.36 + 1e-5)
	expect(t, "batchnorm eval", "eval y", y[:2], []float64{(1-0.325)/d*2 + 0.5, (-1-0.325)/d*2 + 0.5}, 1e-6)
	BatchNormReLUForwardEval(ge, []float32{1, -1}, []float32{2}, []float32{0.5}, rm, rv, y)
	expect(t, "batchnorm eval", "eval relu y", y[:2], []float64{(1-0.325)/d*2 + 0.5, 0}, 1e-6)
}

func TestBatchNormEval(t *testing.T) {
	for ci, g := range bnCases {
		if err := g.Init(); err != nil {
			t.Fatal(err)
		}
		r := newRand(uint64(550 + ci))
		x, x64 := randVec(r, g.Len())
		gamma, gamma64 := randVec(r, g.C)
		beta, beta64 := randVec(r, g.C)
		rm, rm64 := randVec(r, g.C)
		rv := make([]float32, g.C)
		for i := range rv {
			rv[i] = 0.5 + r.Float32()
		}
		want := make([]float64, g.Len())
		for n := 0; n < g.N; n++ {
			for c := 0; c < g.C; c++ {
				for i := 0; i < g.HW; i++ {
					j := (n*g.C+c)*g.HW + i
					want[j] = (x64[j]-rm64[c])/math.Sqrt(float64(rv[c])+g.Eps)*gamma64[c] + beta64[c]
				}
			}
		}
		y := garbage(g.Len())
		BatchNormForwardEval(g, x, gamma, beta, rm, rv, y)
		expect(t, "batchnorm eval", fmt.Sprintf("bn eval case %d", ci), y, want, 1e-5)
	}
}

// TestBatchNormLargeMean: the one-pass statistics are shifted by each
// channel's first value, so a mean far from 0 against the spread (here
// 1e4 against about 0.6) costs no accuracy, on both the wide and the narrow
// path. (y itself loses digits there: y = x*a + b cancels in float32, as in
// PyTorch.)
func TestBatchNormLargeMean(t *testing.T) {
	for _, g := range []BatchNormGeom{
		{N: 4, C: 3, HW: 64, Eps: 1e-5, Momentum: 0.1},
		{N: 64, C: 3, HW: 1, Eps: 1e-5, Momentum: 0.1},
	} {
		r := newRand(510)
		x, _ := randVec(r, g.Len())
		for i := range x {
			x[i] += 1e4 * float32(1+i/g.HW%g.C) // channel c is offset by 1e4*(c+1)
		}
		mean, invstd := make([]float64, g.C), make([]float64, g.C)
		m := float64(g.N * g.HW)
		for i, v := range x {
			mean[i/g.HW%g.C] += float64(v) / m
		}
		for i, v := range x {
			d := float64(v) - mean[i/g.HW%g.C]
			invstd[i/g.HW%g.C] += d * d / m
		}
		for c := range invstd {
			invstd[c] = 1 / math.Sqrt(invstd[c]+g.Eps)
		}
		y := garbage(g.Len())
		rm, rv, sm, si := make([]float32, g.C), make([]float32, g.C), make([]float32, g.C), make([]float32, g.C)
		BatchNormForwardTrain(g, x, nil, nil, y, rm, rv, sm, si)
		expect(t, "batchnorm large mean", fmt.Sprintf("%+v mean", g), sm, mean, 1e-7)
		expect(t, "batchnorm large mean", fmt.Sprintf("%+v invstd", g), si, invstd, 1e-6)
	}
}

// TestBatchNormReLUKeepsNaN: the fused ReLU passes a NaN through (PyTorch's
// relu does), on the vector loops and the tails alike, so a non-finite
// value is still found at the layer that made it.
func TestBatchNormReLUKeepsNaN(t *testing.T) {
	for _, g := range []BatchNormGeom{
		{N: 2, C: 3, HW: 44, Eps: 1e-5, Momentum: 0.1}, // wide: 40 elements in vector loops, 4 in the tail
		{N: 5, C: 4, HW: 1, Eps: 1e-5, Momentum: 0.1},  // narrow
	} {
		if err := g.Init(); err != nil {
			t.Fatal(err)
		}
		r := newRand(560)
		x, _ := randVec(r, g.Len())
		ones, zeros := make([]float32, g.C), make([]float32, g.C)
		for i := range ones {
			ones[i] = 1
		}
		nan := float32(math.NaN())
		for _, i := range []int{3, 41, g.Len() - 1} {
			if i < g.Len() {
				x[i] = nan
			}
		}
		y := garbage(g.Len())
		BatchNormReLUForwardEval(g, x, ones, zeros, zeros, ones, y)
		for i, v := range x {
			if v != v && y[i] == y[i] {
				t.Errorf("%+v: x[%d] is NaN, y[%d] = %v", g, i, i, y[i])
			}
		}
	}
}
