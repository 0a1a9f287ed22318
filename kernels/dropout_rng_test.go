package kernels

import (
	"bytes"
	"math"
	"math/rand/v2"
	"testing"
)

// TestRNGIsPCG: RNG keeps math/rand/v2's PCG stream and state encoding, so
// masks and checkpoints from before it kept its own state still replay.
func TestRNGIsPCG(t *testing.T) {
	for _, seed := range []uint64{0, 1, 42, math.MaxUint64} {
		r, p := NewRNG(seed), rand.NewPCG(seed, 0x9e3779b97f4a7c15)
		for i := 0; i < 1000; i++ {
			if a, b := r.Uint64(), p.Uint64(); a != b {
				t.Fatalf("seed %d draw %d: %x, PCG gives %x", seed, i, a, b)
			}
		}
		mine, _ := r.MarshalBinary()
		theirs, _ := p.MarshalBinary()
		if !bytes.Equal(mine, theirs) {
			t.Fatalf("seed %d: state %x, PCG encodes %x", seed, mine, theirs)
		}
		var back RNG
		if err := back.UnmarshalBinary(theirs); err != nil || back != *r {
			t.Fatalf("seed %d: unmarshal gave %+v (%v), want %+v", seed, back, err, *r)
		}
	}
	var zero RNG
	if a, b := zero.Uint64(), rand.NewPCG(0, 0).Uint64(); a != b {
		t.Errorf("zero RNG draws %x, PCG(0, 0) %x", a, b)
	}
	if (&RNG{}).UnmarshalBinary([]byte("pcg:short")) == nil {
		t.Error("a short state was accepted")
	}
}

// TestDropoutDrawRule: DropoutForward's integer threshold drops exactly the
// elements for which rng.Float32() < p, for awkward p too.
func TestDropoutDrawRule(t *testing.T) {
	const n = 4096
	x := make([]float32, n)
	for i := range x {
		x[i] = 1
	}
	y, mask := make([]float32, n), make([]float32, n)
	for _, p := range []float32{0.5, 0.3, 0.1, 1e-7, 0x1p-24, 0x1p-25, 3 * 0x1p-24, 0.99999994, 1, 1.5} {
		DropoutForward(p, true, NewRNG(9), x, y, mask)
		r := NewRNG(9)
		scale := float32(0)
		if p < 1 {
			scale = 1 / (1 - p)
		}
		for i := range mask {
			want := scale
			if r.Float32() < p {
				want = 0
			}
			if mask[i] != want || y[i] != want {
				t.Fatalf("p=%v element %d: mask %v y %v, want %v", p, i, mask[i], y[i], want)
			}
		}
	}
}
