//go:build !purego && amd64

package kernels

import (
	"fmt"
	"math"
	"testing"
)

// TestWinogradVectorBitForBit runs Winograd's forward (with bias, ReLU, a NaN input),
// backward data (overwriting and accumulating) and weight gradient with the AVX2 tile
// transforms and then with the Go ones (haveWinoVec flipped): the outputs
// must be the same bits, as the vector code does the Go code's operations
// in order. The shapes cover pieces that are not a multiple of 8 tiles,
// rows wider than one segment (winoSeg = 64 tiles), odd maps, padding 0
// and 1, and every chunking of convTunings (bands of rows, many samples).
func TestWinogradVectorBitForBit(t *testing.T) {
	if !haveWinoVec {
		t.Log("this CPU has no AVX2; the Go transforms do all the work and there is nothing to compare")
		return
	}
	shapes := []ConvGeom{
		cgeom(2, 3, 7, 9, 5, 3, 3, 1, 1, 1, 1),
		cgeom(3, 4, 6, 6, 3, 3, 3, 1, 0, 1, 1),
		cgeom(2, 5, 24, 24, 4, 3, 3, 1, 1, 1, 1),
		cgeom(1, 2, 5, 140, 3, 3, 3, 1, 1, 1, 1),  // 70 tiles a row: two segments
		cgeom(1, 3, 4, 275, 2, 3, 3, 1, 0, 1, 1),  // 137 tiles a row: three
		cgeom(4, 8, 13, 17, 16, 3, 3, 1, 1, 1, 1), // 9 tiles a row
		cgeom(2, 6, 3, 3, 7, 3, 3, 1, 1, 1, 1),
		cgeom(2, 3, 9, 11, 4, 5, 5, 1, 2, 1, 1),  // 5x5: four sub-kernels
		cgeom(1, 2, 5, 140, 3, 5, 5, 1, 2, 1, 1), // 5x5, 70 tiles a row
	}
	for _, tu := range convTunings {
		for _, g := range shapes {
			t.Run(fmt.Sprintf("%s/%dx%dx%dx%d_k%d_p%d", tu.name, g.N, g.C, g.H, g.W, g.K, g.PH), func(t *testing.T) {
				defer tu.set()()
				if err := g.Init(); err != nil {
					t.Fatal(err)
				}
				r := newRand(uint64(g.H*1000 + g.W))
				x, _ := randVec(r, g.InLen())
				x[len(x)/3] = float32(math.NaN()) // ReLU keeps the NaNs it makes, in both
				w, _ := randVec(r, g.WeightLen())
				bias, _ := randVec(r, g.K)
				dy, _ := randVec(r, g.OutLen())
				dx0, _ := randVec(r, g.InLen())
				fwd, bwd := g.Workspace(ConvWinograd)
				dyNaN := append([]float32(nil), dy...)
				dyNaN[len(dy)/2] = float32(math.NaN()) // the weight gradient's transform of dy carries it
				run := func(vec bool) (y, dx, dxAcc, dw []float32) {
					defer func(v bool) { haveWinoVec = v }(haveWinoVec)
					haveWinoVec = vec
					y = make([]float32, g.OutLen())
					ConvForwardAlgo(g, ConvWinograd, x, w, bias, y, make([]float32, fwd), true)
					dx = make([]float32, g.InLen())
					ConvBackwardDataAlgo(g, ConvWinograd, w, dy, dx, make([]float32, bwd), false)
					dxAcc = append([]float32(nil), dx0...)
					ConvBackwardDataAlgo(g, ConvWinograd, w, dy, dxAcc, make([]float32, bwd), true)
					dw = make([]float32, g.WeightLen())
					ConvBackwardFilterAlgo(g, ConvWinograd, x, dyNaN, dw, nil, make([]float32, bwd))
					return y, dx, dxAcc, dw
				}
				vy, vdx, vacc, vdw := run(true)
				gy, gdx, gacc, gdw := run(false)
				for _, c := range []struct {
					name     string
					vec, ref []float32
				}{{"y", vy, gy}, {"dx", vdx, gdx}, {"dx accumulated", vacc, gacc}, {"dw", vdw, gdw}} {
					for i := range c.ref {
						if math.Float32bits(c.vec[i]) != math.Float32bits(c.ref[i]) {
							t.Fatalf("%s[%d]: vector %v, Go %v", c.name, i, c.vec[i], c.ref[i])
						}
					}
				}
			})
		}
	}
}
