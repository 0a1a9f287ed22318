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

// DropoutBackward computes dx = dy * mask (dx = dy when inactive).
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
