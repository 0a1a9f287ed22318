package kernels

import (
	"fmt"
	"testing"
)

// TestAvgPoolForwardPreNormBitForBit: average pooling of the normalised
// input (AvgPoolForwardPreNorm) gives the bits of the batchnorm step
// followed by AvgPoolForward, on the 2x2 vector kernel's maps (DenseNet's
// transitions at 24x24, 12x12, 6x6) and the general loop's (odd maps,
// padding, 3x3 windows), on 1 and 2 threads, with the input a channel slice
// of a wider tensor.
func TestAvgPoolForwardPreNormBitForBit(t *testing.T) {
	defer SetThreads(Threads())
	const eps = 1e-5
	type shape struct{ n, c, h, w, k, s, p int }
	for _, sh := range []shape{{3, 10, 24, 24, 2, 2, 0}, {2, 12, 12, 12, 2, 2, 0}, {2, 7, 6, 6, 2, 2, 0}, {2, 5, 7, 9, 2, 2, 0},
		{2, 4, 9, 9, 3, 2, 1}, {1, 64, 8, 8, 2, 2, 0}} {
		for _, threads := range []int{1, 2} {
			SetThreads(threads)
			wide := (sh.c + 3) * sh.h * sh.w
			g := PoolGeom{N: sh.n, C: sh.c, H: sh.h, W: sh.w, KH: sh.k, KW: sh.k, SH: sh.s, SW: sh.s, PH: sh.p, PW: sh.p,
				CountIncludePad: true, XStride: wide}
			if err := g.Init(); err != nil {
				t.Fatal(err)
			}
			name := fmt.Sprintf("%dthreads/%dx%dx%dx%d_k%d_s%d_p%d", threads, sh.n, sh.c, sh.h, sh.w, sh.k, sh.s, sh.p)
			seed := uint64(sh.c*100 + sh.h)
			xs := preNormInput(seed, sh.n*wide)
			x := xs[sh.h*sh.w:]
			gamma, beta, mean, variance := preNormCase(seed+1, sh.c)
			bg := BatchNormGeom{N: sh.n, C: sh.c, HW: sh.h * sh.w, Eps: eps, XStride: wide}
			if err := bg.Init(); err != nil {
				t.Fatal(err)
			}
			xn := make([]float32, sh.n*sh.c*sh.h*sh.w)
			BatchNormReLUForwardEval(bg, x, gamma, beta, mean, variance, xn)
			dense := g
			dense.XStride = 0
			want := make([]float32, g.OutLen())
			AvgPoolForward(dense, xn, want)

			var pre PreNorm
			pre.SetBatchNorm(eps, sh.h*sh.w, gamma, beta, mean, variance, true)
			got := make([]float32, g.OutLen())
			AvgPoolForwardPreNorm(g, &pre, x, got)
			sameBits(t, name, got, want)
		}
	}
}
