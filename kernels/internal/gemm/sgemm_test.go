package gemm

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
	"unsafe"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas32"
)

// sgemmWith runs one call on a given kernel set and thread count, so a
// single test run covers the assembly and pure-Go kernels.
func sgemmWith(ks *kernelSet, threads int, transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int, ep Epilogue) {
	g := gemmArgs{ks: ks, transA: transA, transB: transB, m: m, n: n, k: k,
		alpha: alpha, a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc, ep: ep}
	g.check()
	execute(&g, threads)
}

func randSlice(r *rand.Rand, n int) []float32 {
	s := make([]float32, n)
	for i := range s {
		s[i] = r.Float32()*2 - 1
	}
	return s
}

// gemmCase is one random problem with padded leading dimensions.
type gemmCase struct {
	transA, transB bool
	m, n, k        int
	alpha, beta    float32
	a, b, c        []float32
	lda, ldb, ldc  int
}

func (tc gemmCase) String() string {
	return fmt.Sprintf("tA=%v tB=%v m=%d n=%d k=%d alpha=%g beta=%g lda=%d ldb=%d ldc=%d",
		tc.transA, tc.transB, tc.m, tc.n, tc.k, tc.alpha, tc.beta, tc.lda, tc.ldb, tc.ldc)
}

// stored is the shape of the matrix that holds op(X), rows x cols:
// cols x rows when X is transposed.
func stored(trans bool, rows, cols int) (int, int) {
	if trans {
		return cols, rows
	}
	return rows, cols
}

func newCase(r *rand.Rand, transA, transB bool, m, n, k int, alpha, beta float32) gemmCase {
	tc := gemmCase{transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha, beta: beta}
	ar, ac := stored(transA, m, k)
	br, bc := stored(transB, k, n)
	tc.lda = max(1, ac) + r.IntN(3)*r.IntN(9)
	tc.ldb = max(1, bc) + r.IntN(3)*r.IntN(9)
	tc.ldc = max(1, n) + r.IntN(3)*r.IntN(9)
	tc.a = randSlice(r, ar*tc.lda)
	tc.b = randSlice(r, br*tc.ldb)
	tc.c = randSlice(r, m*tc.ldc)
	for i := range tc.c {
		tc.c[i] *= 1e3 // garbage when beta == 0
	}
	return tc
}

func (tc gemmCase) opA(i, p int) float32 {
	if tc.transA {
		return tc.a[p*tc.lda+i]
	}
	return tc.a[i*tc.lda+p]
}

func (tc gemmCase) opB(p, j int) float32 {
	if tc.transB {
		return tc.b[j*tc.ldb+p]
	}
	return tc.b[p*tc.ldb+j]
}

// reference runs gonum's blas32.Gemm on a copy of C.
func (tc gemmCase) reference() []float32 {
	c := append([]float32(nil), tc.c...)
	ta, tb := blas.NoTrans, blas.NoTrans
	ar, ac := tc.m, tc.k
	if tc.transA {
		ta, ar, ac = blas.Trans, tc.k, tc.m
	}
	br, bc := tc.k, tc.n
	if tc.transB {
		tb, br, bc = blas.Trans, tc.n, tc.k
	}
	if tc.m == 0 || tc.n == 0 {
		return c
	}
	blas32.Gemm(ta, tb, tc.alpha,
		blas32.General{Rows: ar, Cols: ac, Stride: tc.lda, Data: tc.a},
		blas32.General{Rows: br, Cols: bc, Stride: tc.ldb, Data: tc.b},
		tc.beta, blas32.General{Rows: tc.m, Cols: tc.n, Stride: tc.ldc, Data: c})
	return c
}

// scales returns the error yardstick for every C[i][j]:
// |alpha| sum_p |a_ip b_pj| + |beta c_ij|, computed in float64 in i-p-j
// order so it stays cheap next to the reference.
func (tc gemmCase) scales() []float64 {
	s := make([]float64, tc.m*tc.n)
	absB := make([]float64, tc.k*tc.n)
	for p := range tc.k {
		for j := range tc.n {
			absB[p*tc.n+j] = math.Abs(float64(tc.opB(p, j)))
		}
	}
	al := math.Abs(float64(tc.alpha))
	for i := range tc.m {
		row := s[i*tc.n : (i+1)*tc.n]
		for p := range tc.k {
			av := al * math.Abs(float64(tc.opA(i, p)))
			for j, bv := range absB[p*tc.n : (p+1)*tc.n] {
				row[j] += av * bv
			}
		}
		if tc.beta != 0 {
			for j := range row {
				row[j] += math.Abs(float64(tc.beta) * float64(tc.c[i*tc.ldc+j]))
			}
		}
	}
	return s
}

// compare checks got against want within 1e-5 relative to the scale, and
// that C's padding columns (j >= n) were not touched.
func (tc gemmCase) compare(t *testing.T, name string, got, want []float32) {
	t.Helper()
	scale := tc.scales()
	bad := 0
	for i := range tc.m {
		for j := range tc.ldc {
			idx := i*tc.ldc + j
			if j >= tc.n {
				if got[idx] != tc.c[idx] {
					t.Fatalf("%s %v: padding C[%d][%d] changed", name, tc, i, j)
				}
				continue
			}
			d := math.Abs(float64(got[idx]) - float64(want[idx]))
			if !(d <= 1e-5*scale[i*tc.n+j]+1e-30) {
				bad++
				if bad < 4 {
					t.Errorf("%s %v: C[%d][%d] = %g, want %g", name, tc, i, j, got[idx], want[idx])
				}
			}
		}
	}
	if bad > 0 {
		t.Fatalf("%s %v: %d wrong elements", name, tc, bad)
	}
}

func TestSgemmRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	alphas := []float32{1, -0.5, 2.25}
	betas := []float32{0, 1, -1.5, 0.5}
	size := func() int {
		switch r.IntN(4) {
		case 0:
			return 1 + r.IntN(8)
		case 1:
			return 1 + r.IntN(40)
		default:
			return 1 + r.IntN(300)
		}
	}
	n := 60
	if testing.Short() {
		n = 15
	}
	for _, ks := range availableKernels() {
		for it := range n {
			for _, tr := range [][2]bool{{false, false}, {false, true}, {true, false}, {true, true}} {
				tc := newCase(r, tr[0], tr[1], size(), size(), size(), alphas[it%3], betas[it%4])
				want := tc.reference()
				th := 1 + it%3
				got := append([]float32(nil), tc.c...)
				sgemmWith(ks, th, tc.transA, tc.transB, tc.m, tc.n, tc.k, tc.alpha, tc.a, tc.lda, tc.b, tc.ldb, tc.beta, got, tc.ldc, Epilogue{})
				tc.compare(t, fmt.Sprintf("%s/threads=%d", ks.name, th), got, want)
			}
		}
	}
}

// Sizes around the tile and block boundaries of every kernel set, and K
// spanning several KC blocks (where beta must apply only once).
func TestSgemmEdges(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for _, ks := range availableKernels() {
		ms := []int{1, ks.mr - 1, ks.mr, ks.mr + 1, ks.mc - 1, ks.mc + ks.mr + 1}
		ns := []int{1, ks.nr - 1, ks.nr, ks.nr + 1, 3*ks.nr + 5}
		ks2 := []int{1, 3, ks.kc, ks.kc + 1, 2*ks.kc + 7}
		for _, m := range ms {
			for _, n := range ns {
				for _, k := range ks2 {
					tr := r.IntN(4)
					tc := newCase(r, tr&1 != 0, tr&2 != 0, max(m, 1), n, k, 1.5, 0.5)
					want := tc.reference()
					got := append([]float32(nil), tc.c...)
					sgemmWith(ks, 2, tc.transA, tc.transB, tc.m, tc.n, tc.k, tc.alpha, tc.a, tc.lda, tc.b, tc.ldb, tc.beta, got, tc.ldc, Epilogue{})
					tc.compare(t, ks.name, got, want)
				}
			}
		}
	}
}

// N wider than NC exercises the jc loop.
func TestSgemmWideN(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for _, ks := range availableKernels() {
		tc := newCase(r, false, true, 9, ks.nc+37, 20, 1, 0)
		want := tc.reference()
		got := append([]float32(nil), tc.c...)
		sgemmWith(ks, 2, tc.transA, tc.transB, tc.m, tc.n, tc.k, tc.alpha, tc.a, tc.lda, tc.b, tc.ldb, tc.beta, got, tc.ldc, Epilogue{})
		tc.compare(t, ks.name, got, want)
	}
}

// With beta == 0, C is write-only: NaN and Inf in it must not leak.
func TestSgemmBetaZeroIgnoresNaN(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	for _, ks := range availableKernels() {
		tc := newCase(r, false, false, 37, 45, 29, 1, 0)
		want := tc.reference()
		got := append([]float32(nil), tc.c...)
		for i := range tc.m {
			for j := range tc.n {
				got[i*tc.ldc+j] = float32(math.NaN())
			}
		}
		got[0] = float32(math.Inf(1))
		sgemmWith(ks, 1, false, false, tc.m, tc.n, tc.k, tc.alpha, tc.a, tc.lda, tc.b, tc.ldb, 0, got, tc.ldc, Epilogue{})
		tc.compare(t, ks.name, got, want)
	}
}

func TestSgemmDegenerate(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	for _, ks := range availableKernels() {
		for _, tc := range []gemmCase{
			newCase(r, false, false, 5, 7, 0, 1, 0.5), // k == 0: C = beta*C
			newCase(r, false, false, 5, 7, 0, 1, 0),   // k == 0, beta == 0: C = 0
			newCase(r, true, false, 5, 7, 3, 0, 2),    // alpha == 0
			newCase(r, false, false, 0, 7, 3, 1, 2),   // m == 0
			newCase(r, false, false, 4, 0, 3, 1, 2),   // n == 0
		} {
			want := tc.reference()
			got := append([]float32(nil), tc.c...)
			sgemmWith(ks, 2, tc.transA, tc.transB, tc.m, tc.n, tc.k, tc.alpha, tc.a, tc.lda, tc.b, tc.ldb, tc.beta, got, tc.ldc, Epilogue{})
			tc.compare(t, ks.name, got, want)
		}
	}
}

// Every element goes through the same tiles and K blocks whatever the
// thread count, so the results must be bitwise equal.
func TestSgemmDeterministicAcrossThreads(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	for _, ks := range availableKernels() {
		for _, sh := range [][3]int{{301, 157, 530}, {40, 700, 300}, {250, 33, 99}} {
			tc := newCase(r, false, false, sh[0], sh[1], sh[2], 1, 0.5)
			ep := Epilogue{RowBias: randSlice(r, tc.m), ReLU: true}
			var first []float32
			for th := 1; th <= 4; th++ {
				got := append([]float32(nil), tc.c...)
				sgemmWith(ks, th, false, false, tc.m, tc.n, tc.k, tc.alpha, tc.a, tc.lda, tc.b, tc.ldb, tc.beta, got, tc.ldc, ep)
				if first == nil {
					first = got
					continue
				}
				for i := range got {
					if math.Float32bits(got[i]) != math.Float32bits(first[i]) {
						t.Fatalf("%s %v: threads=%d differs from threads=1 at %d", ks.name, sh, th, i)
					}
				}
			}
		}
	}
}

func TestSgemmPanics(t *testing.T) {
	a := make([]float32, 6)
	c := make([]float32, 4)
	for name, f := range map[string]func(){
		"negative":  func() { Sgemm(false, false, -1, 2, 3, 1, a, 3, a, 2, 0, c, 2) },
		"short lda": func() { Sgemm(false, false, 2, 2, 3, 1, a, 2, a, 2, 0, c, 2) },
		"short A":   func() { Sgemm(false, false, 2, 2, 3, 1, a[:5], 3, a, 2, 0, c, 2) },
		"short C":   func() { Sgemm(false, false, 2, 2, 3, 1, a, 3, a, 2, 0, c[:3], 2) },
		"bias":      func() { SgemmEpilogue(false, false, 2, 2, 3, 1, a, 3, a, 2, 0, c, 2, Epilogue{RowBias: a[:1]}) },
		"residual": func() {
			SgemmEpilogue(false, false, 2, 2, 3, 1, a, 3, a, 2, 0, c, 2, Epilogue{Residual: a[:3], LdResidual: 2})
		},
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic", name)
				}
			}()
			f()
		}()
	}
}

// The assembly reads tileArgs at fixed offsets (asmgen/main.go).
func TestTileArgsLayout(t *testing.T) {
	var p tileArgs
	for _, f := range []struct {
		name      string
		got, want uintptr
	}{
		{"alpha", unsafe.Offsetof(p.alpha), 0},
		{"beta", unsafe.Offsetof(p.beta), 4},
		{"flags", unsafe.Offsetof(p.flags), 8},
		{"rowBias", unsafe.Offsetof(p.rowBias), 16},
		{"colBias", unsafe.Offsetof(p.colBias), 24},
		{"res", unsafe.Offsetof(p.res), 32},
		{"ldr", unsafe.Offsetof(p.ldr), 40},
		{"ldb", unsafe.Offsetof(p.ldb), 48},
	} {
		if f.got != f.want {
			t.Errorf("tileArgs.%s at offset %d, asm expects %d", f.name, f.got, f.want)
		}
	}
}

func TestKernelSetInvariants(t *testing.T) {
	for _, ks := range availableKernels() {
		if ks.mc%ks.mr != 0 || ks.nc%ks.nr != 0 || ks.mr > maxMR || ks.nr > maxNR || len(ks.fns) != ks.mr+1 ||
			ks.inPlaceB != nil && len(ks.inPlaceB) != ks.mr+1 {
			t.Errorf("%s: bad block sizes %+v", ks.name, ks)
		}
	}
	t.Logf("default kernel set: %s", defaultKernels().name)
}
