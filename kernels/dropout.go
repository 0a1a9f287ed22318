package kernels

import (
	"encoding/binary"
	"errors"
	"math"
	"math/bits"
)

// Dropout as PyTorch's nn.Dropout in training: each element is kept with
// probability 1-p and scaled by 1/(1-p) ("inverted" dropout), so eval mode
// (and p = 0) is the identity; p = 1 zeroes everything. The random stream is
// netc's own (PCG), not PyTorch's: masks cannot match PyTorch bit for bit.
//
// The forward draws one number per element in order, so it runs on the
// calling thread; the backward (and the inactive copies) are elementwise
// tasks split across the kernel threads.

// RNG is a small deterministic generator (PCG, 128-bit state) whose full
// state can be saved in a checkpoint and restored. The zero value is usable
// (seed 0); it is not safe for concurrent use.
//
// It is math/rand/v2's PCG (same stream, same MarshalBinary encoding; the
// tests hold it to that) with the state kept here, so that DropoutForward
// can step it in registers instead of calling a method per element.
type RNG struct {
	hi, lo uint64
}

// NewRNG returns a generator seeded with seed.
func NewRNG(seed uint64) *RNG {
	r := &RNG{}
	r.Seed(seed)
	return r
}

// Seed resets the generator to the stream for seed.
func (r *RNG) Seed(seed uint64) { r.hi, r.lo = seed, 0x9e3779b97f4a7c15 }

// Uint64 returns 64 random bits.
func (r *RNG) Uint64() uint64 {
	var v uint64
	r.hi, r.lo, v = pcgNext(r.hi, r.lo)
	return v
}

// Float32 returns a uniform value in [0, 1) with 24 random bits.
func (r *RNG) Float32() float32 { return float32(r.Uint64()>>40) * (1.0 / (1 << 24)) }

// MarshalBinary returns the full generator state, encoded as rand.PCG
// encodes it: "pcg:", then the high and low state words big-endian.
func (r *RNG) MarshalBinary() ([]byte, error) {
	b := make([]byte, 20)
	copy(b, "pcg:")
	binary.BigEndian.PutUint64(b[4:], r.hi)
	binary.BigEndian.PutUint64(b[12:], r.lo)
	return b, nil
}

// UnmarshalBinary restores a state returned by MarshalBinary.
func (r *RNG) UnmarshalBinary(b []byte) error {
	if len(b) != 20 || string(b[:4]) != "pcg:" {
		return errors.New("invalid PCG encoding")
	}
	r.hi, r.lo = binary.BigEndian.Uint64(b[4:]), binary.BigEndian.Uint64(b[12:])
	return nil
}

// pcgNext is one step of rand.PCG: the 128-bit LCG state update, then the
// DXSM output function on the new state.
func pcgNext(hi, lo uint64) (nhi, nlo, out uint64) {
	const (
		mulHi = 2549297995355413924
		mulLo = 4865540595714422341
		incHi = 6364136223846793005
		incLo = 1442695040888963407
	)
	h, l := bits.Mul64(lo, mulLo)
	h += hi*mulLo + lo*mulHi
	l, c := bits.Add64(l, incLo, 0)
	h, _ = bits.Add64(h, incHi, c)
	v := h ^ h>>32
	v *= 0xda942042e4dd58b5
	v ^= v >> 48
	v *= l | 1
	return h, l, v
}

func dropoutActive(p float32, train bool) bool { return train && p > 0 }

// DropoutForward computes y = x * mask, drawing mask[i] ∈ {0, 1/(1-p)} from
// rng (one draw per element, in order). When inactive (eval or p = 0) it
// copies x to y, leaves mask untouched and draws nothing. y may alias x.
func DropoutForward(p float32, train bool, rng *RNG, x, y, mask []float32) {
	need("dropout y", y, len(x))
	y = y[:len(x)]
	if !dropoutActive(p, train) {
		runPass(flat(x), flat(y), false)
		return
	}
	need("dropout mask", mask, len(x))
	mask = mask[:len(x)]
	var scale float32
	// Element i is dropped when rng.Float32() < p. The draw is u*2^-24 for a
	// 24-bit integer u, exactly, so that is u < p*2^24, i.e. u < drop.
	drop := uint64(1 << 24)
	if p < 1 {
		scale = 1 / (1 - p)
		drop = uint64(math.Ceil(float64(p) * (1 << 24)))
	}
	sb := math.Float32bits(scale)
	hi, lo := rng.hi, rng.lo
	for i, v := range x {
		var r uint64
		hi, lo, r = pcgNext(hi, lo)
		var mb uint32
		if r>>40 >= drop {
			mb = sb
		}
		m := math.Float32frombits(mb)
		mask[i] = m
		y[i] = v * m
	}
	rng.hi, rng.lo = hi, lo
}

// DropoutForwardView is DropoutForward on strided views (see View). mask
// stays dense, x.N*x.Len elements; the draws are made in the same order as
// DropoutForward's on the samples packed densely, so mask and y match it
// bit for bit. y may be the same view as x.
func DropoutForwardView(p float32, train bool, rng *RNG, x, y View, mask []float32) {
	x.check("dropout", "x", x.N, x.Len)
	y.check("dropout", "y", x.N, x.Len)
	if !dropoutActive(p, train) {
		runPass(x, y, false)
		return
	}
	need("dropout mask", mask, x.N*x.Len)
	for n := 0; n < x.N; n++ {
		DropoutForward(p, train, rng, x.Sample(n), y.Sample(n), mask[n*x.Len:(n+1)*x.Len])
	}
}

// DropoutBackwardView computes dx = dy * mask (dx = dy when inactive) on strided views; mask is dense
// (dy.N*dy.Len elements). dx may be the same view as dy when not
// accumulating.
func DropoutBackwardView(p float32, train bool, mask []float32, dy, dx View, accumulate bool) {
	dy.check("dropout", "dy", dy.N, dy.Len)
	dx.check("dropout", "dx", dy.N, dy.Len)
	if dropoutActive(p, train) {
		need("dropout mask", mask, dy.N*dy.Len)
	}
	runDropoutBackward(p, train, mask, dy, dx, accumulate)
}

func runDropoutBackward(p float32, train bool, mask []float32, dy, dx View, accumulate bool) {
	if !dropoutActive(p, train) {
		runPass(dy, dx, accumulate)
		return
	}
	if dy.contiguous() && dx.contiguous() {
		dy, dx = dy.packed(), dx.packed()
	}
	t := eltTask{op: eltDropoutBack, a: dy, b: dx, mask: mask, acc: accumulate}
	t.run(eltGrain)
}

// maskSpan is dx = dy*mask or dx += dy*mask.
func maskSpan(mask, dy, dx []float32, acc bool) {
	mask, dx = mask[:len(dy)], dx[:len(dy)]
	if acc {
		for i, d := range dy {
			dx[i] += d * mask[i]
		}
		return
	}
	for i, d := range dy {
		dx[i] = d * mask[i]
	}
}
