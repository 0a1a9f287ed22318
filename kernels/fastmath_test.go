package kernels

import (
	"math"
	"os"
	"runtime"
	"sync"
	"testing"
)

// Accuracy of the float32 exp and of sigmoid and tanh built on it, against
// float64 math. The default run sweeps every step-th float32 bit pattern;
// NETC_EXHAUSTIVE=1 tries all of them (a few minutes), which is where the
// bounds quoted in fastmath.go and activation_exp.go come from.

// sweepStep is the stride through float32 bit patterns: 1 when exhaustive.
func sweepStep(t *testing.T) uint64 {
	if os.Getenv("NETC_EXHAUSTIVE") != "" {
		return 1
	}
	if testing.Short() {
		return 40009
	}
	return 4099
}

// ulp32 is the spacing of float32 values at |v|: 2^-149 in the subnormal
// range.
func ulp32(v float64) float64 {
	a := math.Abs(v)
	if a < 0x1p-126 {
		return 0x1p-149
	}
	_, e := math.Frexp(a)
	return math.Ldexp(1, e-24)
}

// errStats is the worst error of a float32 function against a float64
// reference, in ulps of the exact value and absolute.
type errStats struct {
	ulps, abs float64
	ulpsAt    float32
}

func (e *errStats) add(x, got float32, want float64) {
	if math.IsNaN(want) != (got != got) {
		e.ulps, e.ulpsAt = math.Inf(1), x
		return
	}
	if want != want || (math.IsInf(want, 0) && float64(got) == want) {
		return
	}
	if math.IsInf(float64(float32(want)), 0) && float64(got) == float64(float32(want)) {
		return // overflows in float32 too
	}
	d := math.Abs(float64(got) - want)
	if u := d / ulp32(want); u > e.ulps {
		e.ulps, e.ulpsAt = u, x
	}
	e.abs = max(e.abs, d)
}

func (e *errStats) merge(o errStats) {
	if o.ulps > e.ulps {
		e.ulps, e.ulpsAt = o.ulps, o.ulpsAt
	}
	e.abs = max(e.abs, o.abs)
}

// sweep runs span (a span kernel: in, out) over float32 bit patterns
// [lo, hi] with the given step, in parallel, against ref.
func sweep(lo, hi, step uint64, span func(x, y []float32), ref func(float64) float64) errStats {
	workers := runtime.GOMAXPROCS(0)
	var mu sync.Mutex
	var wg sync.WaitGroup
	var all errStats
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var e errStats
			xs, ys := make([]float32, 0, 1024), make([]float32, 1024)
			flush := func() {
				span(xs, ys[:len(xs)])
				for i, x := range xs {
					e.add(x, ys[i], ref(float64(x)))
				}
				xs = xs[:0]
			}
			for b := lo + uint64(w)*step; b <= hi; b += uint64(workers) * step {
				xs = append(xs, math.Float32frombits(uint32(b)))
				if len(xs) == cap(xs) {
					flush()
				}
			}
			flush()
			mu.Lock()
			all.merge(e)
			mu.Unlock()
		}()
	}
	wg.Wait()
	return all
}

// expCopy adapts expSpan (in place) to the sweep's in/out form.
func expCopy(x, y []float32) {
	copy(y, x)
	expSpan(y)
}

func TestExpAccuracy(t *testing.T) {
	step := sweepStep(t)
	neg := sweep(uint64(math.Float32bits(float32(math.Copysign(0, -1)))), uint64(math.Float32bits(expMin)), step, expCopy, math.Exp)
	pos := sweep(0, uint64(math.Float32bits(expMax)), step, expCopy, math.Exp)
	neg.merge(pos)
	t.Logf("exp on [%v, %v]: max error %.3f ulp (at %v)", float32(expMin), float32(expMax), neg.ulps, neg.ulpsAt)
	if neg.ulps > 1.35 {
		t.Errorf("exp: %.3f ulp at %v, documented bound 1.31", neg.ulps, neg.ulpsAt)
	}
	// Ends of the range and NaN.
	s := []float32{expMin, expMax, 0, float32(math.NaN())}
	expSpan(s)
	if s[0] != 0 || math.IsInf(float64(s[1]), 0) || s[1] < 3.4e38 || s[2] != 1 || s[3] == s[3] {
		t.Errorf("exp(-104, 88.72, 0, NaN) = %v", s)
	}
}

func sigmoid64(x float64) float64 { return 1 / (1 + math.Exp(-x)) }

// TestSigmoidTanhAccuracy sweeps every sign and exponent (NaNs and
// infinities included) against float64 math.
func TestSigmoidTanhAccuracy(t *testing.T) {
	step := sweepStep(t)
	for _, f := range []struct {
		name      string
		span      func(x, y []float32)
		ref       func(float64) float64
		ulps, abs float64
	}{
		{"sigmoid", sigmoidSpan, sigmoid64, 2.7, 1e-7},
		{"tanh", tanhSpan, math.Tanh, 1.6, 1e-7},
	} {
		e := sweep(0, math.MaxUint32, step, f.span, f.ref)
		t.Logf("%s: max error %.3f ulp (at %v), %.3g absolute", f.name, e.ulps, e.ulpsAt, e.abs)
		if e.ulps > f.ulps || e.abs > f.abs {
			t.Errorf("%s: %.3f ulp at %v, %.3g absolute; bounds %.1f ulp, %.2g", f.name, e.ulps, e.ulpsAt, e.abs, f.ulps, f.abs)
		}
	}
}

// TestSigmoidTanhLimits: exact limits, signed zeros, NaN.
func TestSigmoidTanhLimits(t *testing.T) {
	inf, nan := float32(math.Inf(1)), float32(math.NaN())
	negZero := float32(math.Copysign(0, -1))
	x := []float32{inf, -inf, 16.7, 18, 50, 1e30, -104, -110, -1e30, 0, negZero, nan, -nan}
	want := []float32{1, 0, 1, 1, 1, 1, 0, 0, 0, 0.5, 0.5, nan, nan}
	y := make([]float32, len(x))
	SigmoidForward(x, y)
	for i := range x {
		if want[i] >= 0 && y[i] != want[i] || want[i] != want[i] && y[i] == y[i] {
			t.Errorf("sigmoid(%v) = %v, want %v", x[i], y[i], want[i])
		}
	}
	// Subnormal results keep their relative accuracy.
	sub := []float32{-90, -100, -103}
	SigmoidForward(sub, y[:3])
	for i, v := range sub {
		if w := sigmoid64(float64(v)); math.Abs(float64(y[i])-w) > 2*0x1p-149 || y[i] == 0 {
			t.Errorf("sigmoid(%v) = %v, want %v", v, y[i], w)
		}
	}

	x = []float32{inf, -inf, 9.1, -9.1, 20, -1e30, 0, negZero, nan, 1e-30, -1e-40}
	TanhForward(x, y)
	for i, w := range []float32{1, -1, 1, -1, 1, -1, 0, negZero, nan, 1e-30, -1e-40} {
		if math.Float32bits(y[i]) != math.Float32bits(w) && !(w != w && y[i] != y[i]) {
			t.Errorf("tanh(%v) = %v (bits %x), want %v", x[i], y[i], math.Float32bits(y[i]), w)
		}
	}
}

// TestSigmoidVectorMatchesGo: the AVX2 loop computes sigmoidSpan's Go
// operations in the same order, so on random bit patterns (every sign,
// exponent, NaN) it gives the same bits.
func TestSigmoidVectorMatchesGo(t *testing.T) {
	r := newRand(1300)
	x := make([]float32, 1<<16)
	for i := range x {
		x[i] = math.Float32frombits(r.Uint32())
	}
	for i, v := range []float32{0, float32(math.Copysign(0, -1)), 104, -104, 103.99, 16.7, float32(math.Inf(1)), float32(math.Inf(-1))} {
		x[i] = v
	}
	got, want := make([]float32, len(x)), make([]float32, len(x))
	n := vecSigmoid(x, got)
	sigmoidSpanGo(x, want)
	if n == 0 {
		t.Log("no vector sigmoid on this CPU or build: nothing to compare")
	}
	for i := range n {
		if math.Float32bits(got[i]) != math.Float32bits(want[i]) && !(got[i] != got[i] && want[i] != want[i]) {
			t.Fatalf("sigmoid(%v): vector %v, Go %v", x[i], got[i], want[i])
		}
	}
}
