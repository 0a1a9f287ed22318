package kernels

import (
	"math"
	"testing"
)

func TestDropout(t *testing.T) {
	const n, p = 100000, 0.3
	r := newRand(700)
	x, _ := randVec(r, n)
	dy, _ := randVec(r, n)
	y, mask := garbage(n), garbage(n)
	rng := NewRNG(42)
	DropoutForward(p, true, rng, x, y, mask)
	scale := float32(1 / (1 - p))
	kept := 0
	for i := range x {
		switch mask[i] {
		case scale:
			kept++
		case 0:
		default:
			t.Fatalf("mask[%d] = %v, want 0 or %v", i, mask[i], scale)
		}
		if y[i] != x[i]*mask[i] {
			t.Fatalf("y[%d] = %v, want x*mask = %v", i, y[i], x[i]*mask[i])
		}
	}
	// Binomial(n, 0.7): sd = sqrt(n*0.21) ≈ 145; allow 5 sd.
	if d := math.Abs(float64(kept) - n*(1-p)); d > 5*math.Sqrt(n*p*(1-p)) {
		t.Errorf("kept %d of %d, expected about %.0f", kept, n, n*(1-p))
	}
	dx := garbage(n)
	DropoutBackward(p, true, mask, dy, dx, false)
	base := append([]float32(nil), x...)
	DropoutBackward(p, true, mask, dy, base, true)
	for i := range dx {
		if dx[i] != dy[i]*mask[i] || base[i] != x[i]+dy[i]*mask[i] {
			t.Fatalf("dx[%d] = %v (acc %v), want dy*mask = %v", i, dx[i], base[i], dy[i]*mask[i])
		}
	}

	// Same seed, same mask; a saved state replays the stream.
	m2 := garbage(n)
	DropoutForward(p, true, NewRNG(42), x, garbage(n), m2)
	for i := range mask {
		if mask[i] != m2[i] {
			t.Fatalf("seed 42 gave a different mask at %d", i)
		}
	}
	state, err := rng.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	a := garbage(50)
	DropoutForward(p, true, rng, x[:50], garbage(50), a)
	var restored RNG
	if err := restored.UnmarshalBinary(state); err != nil {
		t.Fatal(err)
	}
	b := garbage(50)
	DropoutForward(p, true, &restored, x[:50], garbage(50), b)
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("restored state gave a different mask at %d", i)
		}
	}

	// Eval and p = 0 are the identity and draw nothing; p = 1 zeroes.
	for _, c := range []struct {
		p     float32
		train bool
	}{{0, true}, {0.5, false}} {
		before, _ := rng.MarshalBinary()
		yy := garbage(n)
		DropoutForward(c.p, c.train, rng, x, yy, nil)
		after, _ := rng.MarshalBinary()
		if string(before) != string(after) {
			t.Errorf("p=%v train=%v consumed random numbers", c.p, c.train)
		}
		gx := garbage(n)
		DropoutBackward(c.p, c.train, nil, dy, gx, false)
		for i := range x {
			if yy[i] != x[i] || gx[i] != dy[i] {
				t.Fatalf("p=%v train=%v is not the identity at %d", c.p, c.train, i)
			}
		}
	}
	DropoutForward(1, true, rng, x, y, mask)
	for i := range y {
		if y[i] != 0 || mask[i] != 0 {
			t.Fatalf("p=1: y[%d] = %v, mask %v", i, y[i], mask[i])
		}
	}
}
