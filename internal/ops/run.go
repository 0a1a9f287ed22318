package ops

import (
	"github.com/netc/netc/compiler/ir"
	"github.com/netc/netc/kernels"
)

// Run is how the runner executes an op: with a step of the runner's own making, named
// by Custom (convolutions choose an algorithm and plan scratch; pooling keeps argmax
// indices), or through Forward and Backward on a Ctx.
type Run struct {
	Custom   string
	Forward  func(c Ctx, train bool)
	Backward func(c Ctx)
}

// Ctx is one bound step as an op's Forward and Backward see it: its views of the batch in
// the arena, its parameters, and what it kept from forward for backward.
type Ctx interface {
	Attrs() ir.Attrs
	Batch() int
	InShape(i int) ir.Shape
	OutShape() ir.Shape
	In(i int) kernels.View
	Out() kernels.View
	OutGrad() kernels.View
	// InGrad is input i's gradient and whether to add to it (another reader of the input
	// wrote it first); ok is false when input i needs no gradient.
	InGrad(i int) (dx kernels.View, accumulate, ok bool)
	// Param returns a parameter tensor of the node by suffix (weight, bias) and its
	// gradient; both nil when the node has none of that name.
	Param(suffix string) (data, grad []float32)
	// Kept is the batch's slice of what a training forward keeps for backward (Kept in
	// the OpSpec sizes it per sample).
	Kept() []float32
	// RNG is the run's noise generator (dropout, drop_path); Noise reports whether
	// training noise is on (the parity tests switch it off).
	RNG() *kernels.RNG
	Noise() bool
}

// Activation is an elementwise function y = f(x), with its backward. Backward reads x or
// y as the op's Saves says: the other may have been overwritten in place.
type Activation struct {
	Forward  func(a ir.Attrs, x, y kernels.View)
	Backward func(a ir.Attrs, x, y, dy, dx kernels.View, accumulate bool)
}
