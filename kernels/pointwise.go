package kernels

// Pointwise convolution (ConvPointwise): 1x1 kernel, stride 1, no padding,
// any groups. The input plane already is the column matrix, so there is no
// im2col: per group, Y[K/G][HW] = W[K/G][C/G] × X[C/G][HW]. Large planes
// are multiplied in place, a sample (or a band of its rows) per GEMM, with
// x, y, dx and dy read and written where they lie and no scratch at all;
// small ones are gathered, several samples side by side, into one wide
// matrix, as in the batched im2col engine (conv_gemm.go), which runs both
// algorithms.

// pointwiseTargetCols caps a chunk's columns, like gemmTargetCols (512)
// for im2col, but wider: a one-sample chunk reads x in place, so there is
// no scratch to keep in cache, and each GEMM call repacks the weights.
// Gathered (multi-sample) chunks are bounded by gemmBudget as well; on
// GoogLeNet's 1x1 layers at 12x12, 6x6 and 3x3, 512 and 2048 measured the
// same. A variable for the tests, like gemmTargetCols.
var pointwiseTargetCols = 2048
