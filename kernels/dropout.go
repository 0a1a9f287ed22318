package kernels

import "math/rand/v2"

// Dropout as PyTorch's nn.Dropout in training: each element is kept with
// probability 1-p and scaled by 1/(1-p) ("inverted" dropout), so eval mode
// (and p = 0) is the identity; p = 1 zeroes everything. The random stream is
// netc's own (PCG), not PyTorch's: masks cannot match PyTorch bit for bit.

// RNG is a small deterministic generator (PCG, 128-bit state) whose full
// state can be saved in a checkpoint and restored. The zero value is usable
// (seed 0); it is not safe for concurrent use.
type RNG struct {
	pcg rand.PCG
}

// NewRNG returns a generator seeded with seed.
func NewRNG(seed uint64) *RNG {
	r := &RNG{}
	r.Seed(seed)
	return r
}

// Seed resets the generator to the stream for seed.
func (r *RNG) Seed(seed uint64) { r.pcg.Seed(seed, 0x9e3779b97f4a7c15) }

// Uint64 returns 64 random bits.
func (r *RNG) Uint64() uint64 { return r.pcg.Uint64() }

// Float32 returns a uniform value in [0, 1) with 24 random bits.
func (r *RNG) Float32() float32 { return float32(r.pcg.Uint64()>>40) * (1.0 / (1 << 24)) }

// MarshalBinary returns the full generator state.
func (r *RNG) MarshalBinary() ([]byte, error) { return r.pcg.MarshalBinary() }

// UnmarshalBinary restores a state returned by MarshalBinary.
func (r *RNG) UnmarshalBinary(b []byte) error { return r.pcg.UnmarshalBinary(b) }

func dropoutActive(p float32, train bool) bool { return train && p > 0 }

// DropoutForward computes y = x * mask, drawing mask[i] ∈ {0, 1/(1-p)} from
// rng (one draw per element, in order). When inactive (eval or p = 0) it
// copies x to y, leaves mask untouched and draws nothing. y may alias x.
func DropoutForward(p float32, train bool, rng *RNG, x, y, mask []float32) {
	need("dropout y", y, len(x))
	y = y[:len(x)]
	if !dropoutActive(p, train) {
		copy(y, x)
		return
	}
	need("dropout mask", mask, len(x))
	mask = mask[:len(x)]
	var scale float32
	if p < 1 {
		scale = 1 / (1 - p)
	}
	for i, v := range x {
		m := scale
		if rng.Float32() < p {
			m = 0
		}
		mask[i] = m
		y[i] = v * m
	}
}

// DropoutBackward computes dx = dy * mask (dx = dy when inactive). dx may
// alias dy when not accumulating.
func DropoutBackward(p float32, train bool, mask, dy, dx []float32, accumulate bool) {
	need("dropout dx", dx, len(dy))
	dx = dx[:len(dy)]
	active := dropoutActive(p, train)
	if active {
		need("dropout mask", mask, len(dy))
	}
	for i, d := range dy {
		if active {
			d *= mask[i]
		}
		store(dx, i, d, accumulate)
	}
}

// DropoutForwardView is DropoutForward on strided views (see View). mask
// stays dense, x.N*x.Len elements; the draws are made in the same order as
// DropoutForward's on the samples packed densely, so mask and y match it
// bit for bit. y may be the same view as x.
func DropoutForwardView(p float32, train bool, rng *RNG, x, y View, mask []float32) {
	x.check("dropout", "x", x.N, x.Len)
	y.check("dropout", "y", x.N, x.Len)
	active := dropoutActive(p, train)
	if active {
		need("dropout mask", mask, x.N*x.Len)
	}
	for n := 0; n < x.N; n++ {
		var m []float32
		if active {
			m = mask[n*x.Len : (n+1)*x.Len]
		}
		DropoutForward(p, train, rng, x.Sample(n), y.Sample(n), m)
	}
}

// DropoutBackwardView is DropoutBackward on strided views; mask is dense
// (dy.N*dy.Len elements). dx may be the same view as dy when not
// accumulating.
func DropoutBackwardView(p float32, train bool, mask []float32, dy, dx View, accumulate bool) {
	dy.check("dropout", "dy", dy.N, dy.Len)
	dx.check("dropout", "dx", dy.N, dy.Len)
	active := dropoutActive(p, train)
	if active {
		need("dropout mask", mask, dy.N*dy.Len)
	}
	for n := 0; n < dy.N; n++ {
		var m []float32
		if active {
			m = mask[n*dy.Len : (n+1)*dy.Len]
		}
		DropoutBackward(p, train, m, dy.Sample(n), dx.Sample(n), accumulate)
	}
}
