package kernels

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestElementwiseReadsStayInside: the paths into the elementwise and
// reduction assembly of this package (vec_amd64.s, sigmoid_back_amd64.s:
// sigmoid forward and backward, every batchnorm forward and backward, the
// PreNorm affine) and the linear layer's GEMMs read and write nothing
// outside their operands: each runs on operands placed against an
// unreadable page, before their first element and after their last, at
// lengths that end mid-vector, dense and strided, and must give the bits it
// gives on the Go heap. (The other elementwise kernels, merge, loss, SGD,
// AdamW, dropout and layernorm, are Go loops with bounds checks.)
func TestElementwiseReadsStayInside(t *testing.T) {
	var lengths []int
	for n := 1; n <= 40; n++ {
		lengths = append(lengths, n)
	}
	lengths = append(lengths, 255, 1000, 2*eltExpGrain+17) // the last one split over the threads
	for _, n := range lengths {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			r := newRand(uint64(3100 + n))
			checkSigmoidGuarded(t, r, n)
			checkBatchNormGuarded(t, r, n)
			checkPreNormGuarded(t, r, n)
			checkLinearGuarded(t, r, n)
		})
	}
}

// sameOnGuarded runs run on ops (inputs and outputs alike; nil stays nil)
// as they are, then on copies of them against an unreadable page before
// and after, and fails t unless every operand ends with the same bits.
func sameOnGuarded(t *testing.T, what string, ops [][]float32, run func(ops [][]float32)) {
	t.Helper()
	want := make([][]float32, len(ops))
	for i, op := range ops {
		want[i] = slices.Clone(op)
	}
	run(want)
	for _, atEnd := range []bool{false, true} {
		where := "against the page before"
		if atEnd {
			where = "against the page after"
		}
		got := make([][]float32, len(ops))
		for i, op := range ops {
			if op != nil {
				got[i] = guarded(t, op, atEnd)
			}
		}
		run(got)
		for i := range got {
			checkSame(t, fmt.Sprintf("%s %s: operand %d", what, where, i), got[i], want[i])
		}
	}
}

// randPos returns n values in [0.5, 1.5), for variances and inverse stds.
func randPos(r *rand.Rand, n int) []float32 {
	s := make([]float32, n)
	for i := range s {
		s[i] = float32(0.5 + r.Float64())
	}
	return s
}

// checkSigmoidGuarded: sigmoid forward and backward (acc or not) on one run
// of n, and on three runs of n with a gap between them.
func checkSigmoidGuarded(t *testing.T, r *rand.Rand, n int) {
	t.Helper()
	for _, rows := range [][2]int{{1, n}, {3, n + 5}} {
		nv, stride := rows[0], rows[1]
		m := span(nv, n, stride)
		view := func(s []float32) View { return View{Data: s, N: nv, Len: n, Stride: stride} }
		x, _ := randVec(r, m)
		for i := range x {
			x[i] *= 20 // across the exp's range
		}
		y, _ := randVec(r, m)
		what := fmt.Sprintf("sigmoid %dx%d stride %d", nv, n, stride)
		sameOnGuarded(t, what, [][]float32{x, y}, func(o [][]float32) {
			SigmoidForwardView(view(o[0]), view(o[1]))
		})
		dy, _ := randVec(r, m)
		dx, _ := randVec(r, m)
		for _, acc := range []bool{false, true} {
			sameOnGuarded(t, fmt.Sprintf("%s backward acc=%v", what, acc), [][]float32{y, dy, dx}, func(o [][]float32) {
				SigmoidBackwardView(view(o[0]), view(o[1]), view(o[2]), acc)
			})
		}
	}
}

// checkBatchNormGuarded: every batchnorm entry point on planes of n values
// (HW = n: below bnNarrowHW the Go loops, from it the vector ones), dense
// and with strides between the samples.
func checkBatchNormGuarded(t *testing.T, r *rand.Rand, n int) {
	t.Helper()
	for _, pad := range []int{0, 3} {
		g := BatchNormGeom{N: 2, C: 3, HW: n, Eps: 1e-5, Momentum: 0.1}
		if pad > 0 {
			g.XStride, g.YStride = g.C*n+pad, g.C*n+2*pad
		}
		if err := g.Init(); err != nil {
			t.Fatal(err)
		}
		what := fmt.Sprintf("batchnorm N=%d C=%d HW=%d strides %d %d", g.N, g.C, g.HW, g.XStride, g.YStride)
		x, _ := randVec(r, g.InSpan())
		y, _ := randVec(r, g.OutSpan())
		gamma, _ := randVec(r, g.C)
		beta, _ := randVec(r, g.C)
		runMean, _ := randVec(r, g.C)
		runVar := randPos(r, g.C)
		saveMean, _ := randVec(r, g.C)
		saveInvStd := randPos(r, g.C)
		for _, relu := range []bool{false, true} {
			train, eval := BatchNormForwardTrain, BatchNormForwardEval
			if relu {
				train, eval = BatchNormReLUForwardTrain, BatchNormReLUForwardEval
			}
			sameOnGuarded(t, fmt.Sprintf("%s relu=%v train", what, relu),
				[][]float32{x, gamma, beta, y, runMean, runVar, saveMean, saveInvStd}, func(o [][]float32) {
					train(g, o[0], o[1], o[2], o[3], o[4], o[5], o[6], o[7])
				})
			sameOnGuarded(t, fmt.Sprintf("%s relu=%v eval", what, relu),
				[][]float32{x, gamma, beta, runMean, runVar, y}, func(o [][]float32) {
					eval(g, o[0], o[1], o[2], o[3], o[4], o[5])
				})
		}
		dy, _ := randVec(r, g.OutSpan())
		dx, _ := randVec(r, g.InSpan())
		dgamma, _ := randVec(r, g.C)
		dbeta, _ := randVec(r, g.C)
		for _, acc := range []bool{false, true} {
			sameOnGuarded(t, fmt.Sprintf("%s backward acc=%v", what, acc),
				[][]float32{x, dy, gamma, saveMean, saveInvStd, dx, dgamma, dbeta}, func(o [][]float32) {
					BatchNormBackward(g, o[0], o[1], o[2], o[3], o[4], o[5], o[6], o[7], acc)
				})
			sameOnGuarded(t, fmt.Sprintf("%s relu backward acc=%v", what, acc),
				[][]float32{x, y, dy, gamma, saveMean, saveInvStd, dx, dgamma, dbeta}, func(o [][]float32) {
					BatchNormReLUBackward(g, o[0], o[1], o[2], o[3], o[4], o[5], o[6], o[7], o[8], acc)
				})
		}
	}
}

// checkPreNormGuarded: PreNorm.span over a whole plane of n values and over
// its part from a third of the way in, with and without the ReLU.
func checkPreNormGuarded(t *testing.T, r *rand.Rand, n int) {
	t.Helper()
	scale, _ := randVec(r, 2)
	shift, _ := randVec(r, 2)
	for _, relu := range []bool{false, true} {
		for _, at := range []int{0, n / 3} {
			src, _ := randVec(r, n-at)
			dst, _ := randVec(r, n-at)
			sameOnGuarded(t, fmt.Sprintf("prenorm hw=%d from %d relu=%v", n, at, relu),
				[][]float32{src, dst, scale, shift}, func(o [][]float32) {
					p := PreNorm{Scale: o[2], Shift: o[3], ReLU: relu, hw: n}
					p.span(o[1], o[0], 1, at)
				})
		}
	}
}

// checkLinearGuarded: the linear layer's forward and backward with n inputs
// and with n outputs.
func checkLinearGuarded(t *testing.T, r *rand.Rand, n int) {
	t.Helper()
	for _, sh := range [][3]int{{3, n, 7}, {2, 5, n}} {
		batch, in, out := sh[0], sh[1], sh[2]
		what := fmt.Sprintf("linear n=%d in=%d out=%d", batch, in, out)
		x, _ := randVec(r, batch*in)
		w, _ := randVec(r, out*in)
		b, _ := randVec(r, out)
		y, _ := randVec(r, batch*out)
		sameOnGuarded(t, what+" forward", [][]float32{x, w, b, y}, func(o [][]float32) {
			LinearForward(batch, in, out, o[0], o[1], o[2], o[3])
		})
		dy, _ := randVec(r, batch*out)
		dx, _ := randVec(r, batch*in)
		for _, acc := range []bool{false, true} {
			sameOnGuarded(t, fmt.Sprintf("%s backward data acc=%v", what, acc), [][]float32{w, dy, dx}, func(o [][]float32) {
				LinearBackwardData(batch, in, out, o[0], o[1], o[2], acc)
			})
		}
		dw, _ := randVec(r, out*in)
		db, _ := randVec(r, out)
		sameOnGuarded(t, what+" backward params", [][]float32{x, dy, dw, db}, func(o [][]float32) {
			LinearBackwardParams(batch, in, out, o[0], o[1], o[2], o[3])
		})
	}
}
