// Package kernels holds netc's float32 CPU kernels, forward and backward, for
// every op of the spec language.
//
// Conventions shared by every kernel:
//   - Tensors are float32, NCHW, contiguous; a kernel is told its dimensions
//     explicitly (a geometry struct or plain ints) and knows nothing of specs
//     or plans.
//   - Kernels never allocate: outputs and workspaces are caller-provided
//     slices (size functions such as ConvGeom.ColSize say how large). A slice
//     may be longer than needed; a shorter one panics before anything is
//     written.
//   - A backward kernel that produces an input gradient takes accumulate:
//     true adds into dx (a tensor that feeds several branches), false
//     overwrites it. Parameter gradients (dW, dbias, dgamma, dbeta) are always
//     overwritten.
//   - Every matrix product goes through the Sgemm variable, so a faster GEMM
//     can be swapped in by assigning it.
//
// Numerics follow PyTorch 1.13's CPU kernels where they differ from the
// textbook formula (pool divisors, ceil_mode, max-pool ties, batchnorm
// running variance); each file's doc comment names the subtlety it matches.
package kernels
