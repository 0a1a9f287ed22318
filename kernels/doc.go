// Package kernels holds netc's float32 CPU kernels, forward and backward, for
// every op of the spec language.
//
// Conventions shared by every kernel:
//   - Tensors are float32, NCHW; a kernel is told its dimensions explicitly
//     (a geometry struct, a View or plain ints) and knows nothing of specs
//     or plans.
//   - Each sample is contiguous, but the batch may be strided, so that a
//     channel slice [off, off+c) of a larger tensor (a concat output, a
//     DenseNet feature buffer) can be read or written directly: sample n
//     starts n*Stride elements after the slice's first element. ConvGeom,
//     PoolGeom, AdaptivePoolGeom and BatchNormGeom carry XStride (x and dx)
//     and YStride (y and dy), 0 meaning dense; Init rejects strides below
//     the per-sample size. The elementwise kernels (activations, dropout,
//     add) have *View variants taking one View per operand. Weights,
//     parameters, their gradients, workspaces, dropout masks, Linear and
//     the loss are always dense. Nothing between samples is read or
//     written.
//   - Kernels never allocate: outputs and workspaces are caller-provided
//     slices (size functions such as ConvGeom.ColSize, InSpan and OutSpan
//     say how large). A slice may be longer than needed; a shorter one
//     panics before anything is written.
//   - A backward kernel that produces an input gradient takes accumulate:
//     true adds into dx (a tensor that feeds several branches), false
//     overwrites it. Parameter gradients (dW, dbias, dgamma, dbeta) are always
//     overwritten.
//   - In place (output over input, same view) is allowed only where a
//     kernel's comment says so: the elementwise activations, dropout and
//     add (forward y over x, backward dx over dy when not accumulating) and
//     batchnorm forward when no backward follows.
//   - Every matrix product goes through the Sgemm variable, so a faster GEMM
//     can be swapped in by assigning it.
//
// Numerics follow PyTorch 1.13's CPU kernels where they differ from the
// textbook formula (pool divisors, ceil_mode, max-pool ties, batchnorm
// running variance); each file's doc comment names the subtlety it matches.
package kernels
