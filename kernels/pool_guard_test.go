package kernels

import (
	"fmt"
	"testing"
)

// TestPoolReadsStayInside: the pooling paths (the stacked and vector max
// pooling with and without the argmax, the 2x2 average kernels, the
// scans) read nothing outside x, dy or the argmax: each runs on inputs
// placed against an unreadable page, before their first element and after
// their last, with each max-pooling kernel set the CPU has, and must give
// what it gives on the Go heap.
func TestPoolReadsStayInside(t *testing.T) {
	geoms := []PoolGeom{
		{N: 1, C: 1, H: 5, W: 5, KH: 3, KW: 3, SH: 1, SW: 1, PH: 1, PW: 1},   // one small plane
		{N: 1, C: 3, H: 12, W: 12, KH: 3, KW: 3, SH: 1, SW: 1, PH: 1, PW: 1}, // a stacked run
		{N: 1, C: 5, H: 3, W: 3, KH: 3, KW: 3, SH: 1, SW: 1, PH: 1, PW: 1},
		{N: 1, C: 1, H: 48, W: 48, KH: 3, KW: 3, SH: 2, SW: 2, PH: 1, PW: 1}, // a lone wide plane, stride 2
		{N: 1, C: 2, H: 16, W: 16, KH: 3, KW: 3, SH: 2, SW: 2, PH: 1, PW: 1},
		{N: 1, C: 4, H: 6, W: 6, KH: 3, KW: 3, SH: 2, SW: 2, PH: 1, PW: 1}, // rows under 8
		{N: 1, C: 3, H: 2, W: 8, KH: 3, KW: 3, SH: 2, SW: 2, PH: 1, PW: 1},
		{N: 1, C: 2, H: 13, W: 13, KH: 3, KW: 3, SH: 2, SW: 2},
		{N: 1, C: 2, H: 8, W: 24, KH: 2, KW: 2, SH: 2, SW: 2},
		{N: 1, C: 3, H: 7, W: 9, KH: 2, KW: 2, SH: 1, SW: 1, PH: 1, PW: 1},
		// The 2x2 average kernel's other row shapes: a chunk of 4 alone over
		// stacked planes of two samples, chunks of 8 alone, and 16 outputs
		// from rows with a column and a row the windows skip.
		{N: 2, C: 3, H: 8, W: 8, KH: 2, KW: 2, SH: 2, SW: 2},
		{N: 1, C: 1, H: 4, W: 16, KH: 2, KW: 2, SH: 2, SW: 2},
		{N: 1, C: 2, H: 9, W: 33, KH: 2, KW: 2, SH: 2, SW: 2},
	}
	forEachMax3Kernels(func(kernels string) {
		for _, g := range geoms {
			if err := g.Init(); err != nil {
				t.Fatal(err)
			}
			name := fmt.Sprintf("%s %dx%dx%d k%d s%d p%d", kernels, g.C, g.H, g.W, g.KH, g.SH, g.PH)
			r := newRand(uint64(g.C*1000 + g.H*10 + g.SH))
			x, _ := randVec(r, g.InLen())
			dy, _ := randVec(r, g.OutLen())
			wantY, wantArg := make([]float32, g.OutLen()), make([]int32, g.OutLen())
			MaxPoolForwardArgmax(g, x, wantY, wantArg)
			wantInfer := make([]float32, g.OutLen())
			MaxPoolForward(g, x, wantInfer)
			wantDx := make([]float32, g.InLen())
			MaxPoolBackwardArgmax(g, wantArg, dy, wantDx, false)
			wantAvg, wantAvgDx := make([]float32, g.OutLen()), make([]float32, g.InLen())
			AvgPoolForward(g, x, wantAvg)
			AvgPoolBackward(g, dy, wantAvgDx, false)
			for _, atEnd := range []bool{false, true} {
				where := name + " against the page before"
				if atEnd {
					where = name + " against the page after"
				}
				gx, gdy := guarded(t, x, atEnd), guarded(t, dy, atEnd)
				y, arg := make([]float32, g.OutLen()), make([]int32, g.OutLen())
				MaxPoolForwardArgmax(g, gx, y, arg)
				checkSame(t, where+": max pooling with argmax", y, wantY)
				for i := range arg {
					if arg[i] != wantArg[i] {
						t.Fatalf("%s: argmax[%d] = %d, want %d", where, i, arg[i], wantArg[i])
					}
				}
				MaxPoolForward(g, gx, y)
				checkSame(t, where+": max pooling", y, wantInfer)
				dx := make([]float32, g.InLen())
				MaxPoolBackwardArgmax(g, arg, gdy, dx, false)
				checkSame(t, where+": max pooling backward", dx, wantDx)
				AvgPoolForward(g, gx, y)
				checkSame(t, where+": average pooling", y, wantAvg)
				AvgPoolBackward(g, gdy, dx, false)
				checkSame(t, where+": average pooling backward", dx, wantAvgDx)
			}
		}
	})
}

// checkSame fails t unless got and want hold the same bits.
func checkSame(t *testing.T, what string, got, want []float32) {
	t.Helper()
	if i := samebits(got, want); i >= 0 {
		t.Fatalf("%s: [%d] = %v, want %v", what, i, got[i], want[i])
	}
}
