package kernels

import "math"

// Sigmoid and tanh on expSpan, for every float32 input (measured against
// float64 math on all 2^32 bit patterns, fastmath_test.go with
// NETC_EXHAUSTIVE=1):
//   - sigmoid: at most 2.64 ulp and 9.0e-8 absolute; NaN gives NaN, the
//     result is exactly 1 for x >= 16.7 (where 1+e^-x rounds to 1) and
//     exactly 0 for x <= -104, with subnormal results in between;
//   - tanh: at most 1.51 ulp and 9.0e-8 absolute; NaN gives NaN, ±0 gives
//     ±0, the result is exactly ±1 for |x| >= 9.1.
//
// Both work on a = |x| so that the exp argument is at most 0 (nothing
// overflows) and restore the sign at the end. Arguments are staged through a
// stack block (expBlock elements) for expSpan, which is too large to inline.

const signBit = 1 << 31

// sigmoidSpan computes y = 1/(1+e^-x) from e = e^-|x| as 1/(1+e) for
// x >= 0 and e/(1+e) = e^x/(1+e^x) for x < 0 (no cancellation, so small
// results keep their relative accuracy).
func sigmoidSpan(x, y []float32) {
	y = y[:len(x)]
	done := vecSigmoid(x, y)
	sigmoidSpanGo(x[done:], y[done:])
}

// sigmoidSpanGo is sigmoidSpan in Go, for the tail the vector loop leaves
// (and everything without AVX2).
func sigmoidSpanGo(x, y []float32) {
	var block [expBlock]float32
	for len(x) > 0 {
		n := min(len(x), expBlock)
		xs, ys, e := x[:n], y[:n], block[:n]
		for i, v := range xs {
			a := math.Float32frombits(math.Float32bits(v) &^ signBit)
			if a > -expMin { // also keeps NaN
				a = -expMin
			}
			e[i] = -a
		}
		expSpan(e)
		for i, v := range xs {
			ei := e[i]
			neg := uint32(int32(math.Float32bits(v)) >> 31) // all ones for x < 0
			num := math.Float32frombits(math.Float32bits(ei)&neg | math.Float32bits(1)&^neg)
			ys[i] = num / (1 + ei)
		}
		x, y = x[n:], y[n:]
	}
}

// tanhSpan computes tanh(|x|) as Cephes tanhf does, an odd polynomial below
// 0.625 and (1-e)/(1+e) with e = e^-2|x| above (both computed, then one
// picked: a branch on |x| mispredicts on real data), then copies x's sign
// (so tanh(-0) = -0).
func tanhSpan(x, y []float32) {
	y = y[:len(x)]
	var block [expBlock]float32
	for len(x) > 0 {
		n := min(len(x), expBlock)
		xs, ys, e := x[:n], y[:n], block[:n]
		for i, v := range xs {
			a := math.Float32frombits(math.Float32bits(v) &^ signBit)
			a += a
			if a > -expMin {
				a = -expMin
			}
			e[i] = -a
		}
		expSpan(e)
		for i, v := range xs {
			b := math.Float32bits(v)
			a := math.Float32frombits(b &^ signBit)
			z := a * a
			p := ((((-5.70498872745e-3*z+2.06390887954e-2)*z-5.37397155531e-2)*z+1.33314422036e-1)*z-3.33332819422e-1)*z*a + a
			ei := e[i]
			q := (1 - ei) / (1 + ei)
			var small uint32
			if a < 0.625 {
				small = ^uint32(0)
			}
			ys[i] = math.Float32frombits(math.Float32bits(p)&small | math.Float32bits(q)&^small | b&signBit)
		}
		x, y = x[n:], y[n:]
	}
}
