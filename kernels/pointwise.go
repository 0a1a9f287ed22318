package kernels

// Pointwise convolution (ConvPointwise): 1x1 kernel, stride 1, no padding,
// any groups. The input plane already is the column matrix, so there is no
// im2col: per group, Y[K/G][HW] = W[K/G][C/G] × X[C/G][HW]. Large planes
// are multiplied in place, a sample (or a band of its rows) per GEMM, with
// x, y, dx and dy read and written where they lie and no scratch at all;
// small ones are gathered, several samples side by side, into one wide
// matrix, as in the batched im2col engine (conv_gemm.go), which runs both
// algorithms; the forward and backward data take small planes in place too
// when their rows are whole cache lines (inPlaceSplit).

// pointwiseTargetCols caps a chunk's columns, like gemmTargetCols (512)
// for im2col, but wider: a one-sample chunk reads x in place, so there is
// no scratch to keep in cache, and each GEMM call repacks the weights.
// Gathered (multi-sample) chunks are bounded by gemmBudget as well; on
// GoogLeNet's 1x1 layers at 12x12, 6x6 and 3x3, 512 and 2048 measured the
// same. A variable for the tests, like gemmTargetCols.
var pointwiseTargetCols = 2048

// inPlaceSplit is the split of the pointwise passes whose results do not
// depend on the cut, the forward and backward data: one sample per chunk
// when a sample's plane is whole 64-byte lines (H*W a multiple of 16:
// GoogLeNet's 24x24 and 12x12 maps), so that x and y (dy and dx) are read
// and written where they lie, their rows on lines for the in-place-B GEMM
// kernels, instead of being gathered into a multi-sample matrix and the
// product scattered back (a copy of C+K floats per column, against 2*C*K
// flops). The weight gradient keeps gemmSplit's chunks: its sum order
// follows the cut.
func (g ConvGeom) inPlaceSplit() gemmPlan {
	p := g.gemmSplit(true)
	if hw := g.H * g.W; p.split.parts == 1 && p.split.nb > 1 && hw%16 == 0 {
		p.split = newSplit(g.N, g.OH, g.OW, hw, hw)
	}
	return p
}
