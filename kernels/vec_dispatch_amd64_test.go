//go:build !purego && amd64

package kernels

import (
	"math"
	"testing"
)

// TestBatchNormVectorLoopsBitForBit runs batchnorm's elementwise passes with the vector
// loops on and then off (haveVec flipped): y = x*a + b (with and without ReLU) must be
// the same bits either way, as the loops compute the Go loops' operations in order.
// (The statistics are float64 sums whose lanes the vector loop adds in another order,
// so the training forward and the backward are compared in tolerance elsewhere.)
func TestBatchNormVectorLoopsBitForBit(t *testing.T) {
	if !haveVec {
		t.Log("this CPU has no AVX; the Go loops do all the work and there is nothing to compare")
		return
	}
	r := newRand(41)
	for _, hw := range []int{1, 7, 8, 9, 31, 64, 100} {
		g := BatchNormGeom{N: 3, C: 5, HW: hw, Eps: 1e-5}
		if err := g.Init(); err != nil {
			t.Fatal(err)
		}
		x := make([]float32, g.N*g.C*hw)
		for i := range x {
			x[i] = r.Float32()*6 - 3
		}
		gamma, beta, mean, variance := make([]float32, g.C), make([]float32, g.C), make([]float32, g.C), make([]float32, g.C)
		for c := range g.C {
			gamma[c], beta[c], mean[c], variance[c] = r.Float32()*2-1, r.Float32()-0.5, r.Float32()-0.5, r.Float32()+0.1
		}
		for _, relu := range []bool{false, true} {
			run := func(vec bool) []float32 {
				defer func(v bool) { haveVec = v }(haveVec)
				haveVec = vec
				y := make([]float32, len(x))
				if relu {
					BatchNormReLUForwardEval(g, x, gamma, beta, mean, variance, y)
				} else {
					BatchNormForwardEval(g, x, gamma, beta, mean, variance, y)
				}
				return y
			}
			vector, plain := run(true), run(false)
			for i := range vector {
				if math.Float32bits(vector[i]) != math.Float32bits(plain[i]) {
					t.Fatalf("hw=%d relu=%v: y[%d] vector %v, Go %v", hw, relu, i, vector[i], plain[i])
				}
			}
		}
	}
}
