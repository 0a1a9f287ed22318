package kernels

import (
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"sort"
	"sync"
	"testing"
)

// Test oracles are plain float64 loops written independently of the kernels
// (in the *_test.go files); gradients are checked against central finite
// differences of those float64 references.

const fdEps = 1e-6

func newRand(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, 7)) }

// randVec returns n values uniform in [-1, 1), as float32 and the same
// values widened to float64.
func randVec(r *rand.Rand, n int) ([]float32, []float64) {
	f := make([]float32, n)
	d := make([]float64, n)
	for i := range f {
		f[i] = float32(2*r.Float64() - 1)
		d[i] = float64(f[i])
	}
	return f, d
}

// distinctVec returns n values that differ pairwise by at least 1/(4n), so
// max-pool argmax and ReLU kinks cannot move under a 1e-6 perturbation.
func distinctVec(r *rand.Rand, n int) ([]float32, []float64) {
	perm := r.Perm(n)
	f := make([]float32, n)
	d := make([]float64, n)
	for i, p := range perm {
		f[i] = float32((float64(p)+0.5)/float64(n)*2 - 1)
		d[i] = float64(f[i])
	}
	return f, d
}

func to64(s []float32) []float64 {
	d := make([]float64, len(s))
	for i, v := range s {
		d[i] = float64(v)
	}
	return d
}

func dot64(a, b []float64) float64 {
	var s float64
	for i := range a {
		s += a[i] * b[i]
	}
	return s
}

// fdGrad returns d/dv[i] of sum(r * f()) by central differences; f must read
// v, which is perturbed in place and restored.
func fdGrad(v, r []float64, f func() []float64) []float64 {
	g := make([]float64, len(v))
	for i := range v {
		o := v[i]
		v[i] = o + fdEps
		p := dot64(r, f())
		v[i] = o - fdEps
		m := dot64(r, f())
		v[i] = o
		g[i] = (p - m) / (2 * fdEps)
	}
	return g
}

// relErr is the normwise relative error max|got-want| / max|want|.
func relErr(got []float32, want []float64) float64 {
	var num, den float64
	for i, w := range want {
		num = max(num, math.Abs(float64(got[i])-w))
		den = max(den, math.Abs(w))
	}
	if den == 0 {
		return num
	}
	return num / den
}

// worst records the largest error seen per check kind, printed by TestMain
// with -v so the figures in reports come from an actual run.
var (
	worstMu sync.Mutex
	worst   = map[string]float64{}
)

// expect fails the test when got is not within tol (normwise relative) of
// want, and records the error under kind.
func expect(t *testing.T, kind, what string, got []float32, want []float64, tol float64) {
	t.Helper()
	if len(got) < len(want) {
		t.Fatalf("%s: got %d values, want %d", what, len(got), len(want))
	}
	e := relErr(got, want)
	worstMu.Lock()
	worst[kind] = max(worst[kind], e)
	worstMu.Unlock()
	if e > tol || math.IsNaN(e) {
		t.Errorf("%s: relative error %.3g > %.1g", what, e, tol)
	}
}

func TestMain(m *testing.M) {
	flag.Parse()
	code := m.Run()
	if testing.Verbose() {
		keys := make([]string, 0, len(worst))
		for k := range worst {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			fmt.Printf("worst relative error %-24s %.2e\n", k, worst[k])
		}
	}
	os.Exit(code)
}

// garbage returns a slice of n NaNs: outputs that a kernel must overwrite.
func garbage(n int) []float32 {
	s := make([]float32, n)
	for i := range s {
		s[i] = float32(math.NaN())
	}
	return s
}

// checkAccumulate runs a backward kernel twice: into NaN garbage with
// accumulate=false, and onto random values with accumulate=true, and checks
// both against the finite-difference gradient want.
func checkAccumulate(t *testing.T, kind, what string, n int, want []float64, tol float64, run func(dx []float32, accumulate bool)) {
	t.Helper()
	dx := garbage(n)
	run(dx, false)
	expect(t, kind, what+" (overwrite)", dx, want, tol)

	r := newRand(99)
	base, base64 := randVec(r, n)
	run(base, true)
	sum := make([]float64, n)
	for i := range sum {
		sum[i] = base64[i] + want[i]
	}
	expect(t, kind, what+" (accumulate)", base, sum, tol)
}
