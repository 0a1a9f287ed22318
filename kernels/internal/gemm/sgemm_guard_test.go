package gemm

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/netc/netc/kernels/internal/guardmem"
)

// guardCase is one product whose operands are exactly as long as their
// shapes need, so the last row of each ends at the slice's end.
type guardCase struct {
	transA, transB bool
	m, n, k        int
	lda, ldb, ldc  int
	alpha, beta    float32
	a, b, c        []float32
	ep             Epilogue
}

func (gc *guardCase) String() string {
	return fmt.Sprintf("tA=%v tB=%v m=%d n=%d k=%d lda=%d ldb=%d ldc=%d beta=%g %s ldr=%d",
		gc.transA, gc.transB, gc.m, gc.n, gc.k, gc.lda, gc.ldb, gc.ldc, gc.beta, epName(gc.ep), gc.ep.LdResidual)
}

// matLen is the fewest floats a rows x cols matrix with leading dimension ld
// occupies.
func matLen(rows, cols, ld int) int { return (rows-1)*ld + cols }

// newGuardCase draws a product; pad picks the leading dimensions (0: the
// minimum, 1: three more, 2: the next multiple of 16 above it, which lets
// a page-aligned B be read in place) and epi the epilogue.
func newGuardCase(r *rand.Rand, transA, transB bool, m, n, k, pad, epi int) *guardCase {
	ld := func(cols int) int { return []int{cols, cols + 3, roundUp(cols+1, 16)}[pad] }
	gc := &guardCase{transA: transA, transB: transB, m: m, n: n, k: k,
		alpha: []float32{1, -0.75}[(epi/8)%2], beta: []float32{0, 0.5}[(epi/4)%2]}
	ar, ac := stored(transA, m, k)
	br, bc := stored(transB, k, n)
	gc.lda, gc.ldb, gc.ldc = ld(ac), ld(bc), ld(n)
	gc.a = randSlice(r, matLen(ar, ac, gc.lda))
	gc.b = randSlice(r, matLen(br, bc, gc.ldb))
	gc.c = randSlice(r, matLen(m, n, gc.ldc))
	switch epi % 4 {
	case 1:
		gc.ep = Epilogue{RowBias: randSlice(r, m), ReLU: true}
	case 2:
		gc.ep = Epilogue{ColBias: randSlice(r, n), Residual: randSlice(r, m*n), LdResidual: n}
	case 3:
		gc.ep = Epilogue{RowBias: randSlice(r, m), ColBias: randSlice(r, n), ReLU: true,
			Residual: randSlice(r, matLen(m, n, gc.ldc)), LdResidual: gc.ldc}
	}
	return gc
}

// guard returns the case with every operand and epilogue input copied
// against an unreadable page (guardmem.Floats).
func (gc *guardCase) guard(t *testing.T, atEnd bool) *guardCase {
	g := *gc
	g.a, g.b, g.c = guardmem.Floats(t, gc.a, atEnd), guardmem.Floats(t, gc.b, atEnd), guardmem.Floats(t, gc.c, atEnd)
	for _, s := range []*[]float32{&g.ep.RowBias, &g.ep.ColBias, &g.ep.Residual} {
		if *s != nil {
			*s = guardmem.Floats(t, *s, atEnd)
		}
	}
	return &g
}

// TestSgemmReadsStayInside: Sgemm with every transA/transB and each kernel
// set the CPU has, SgemmPacked (and PackA's packing), Serial, the in-place-B
// kernels and every epilogue read nothing outside A, B, C, RowBias, ColBias
// and Residual: each call runs on operands placed against an unreadable
// page, before their first element and after their last, and must give the
// bits it gives on the Go heap (C's padding columns included).
func TestSgemmReadsStayInside(t *testing.T) {
	dims := []int{1, 5, 7, 13, 17, 33}
	ns := []int{1, 5, 7, 13, 16, 17, 32, 33, 64, 67} // 16, 32, 64: full 16-wide panels ending at B's end
	var shapes [][3]int
	for _, m := range dims {
		for _, n := range ns {
			for _, k := range dims {
				shapes = append(shapes, [3]int{m, n, k})
			}
		}
	}
	// Several K blocks, several M blocks (B packed a whole block at a time)
	// and products split over two threads.
	big := [][3]int{{150, 70, 300}, {13, 1100, 77}, {31, 96, 259}}
	shapes = append(shapes, big...)
	r := rand.New(rand.NewPCG(41, 42))
	inPlace, haveInPlace := 0, false // calls that could read B in place; kernels that can
	for _, ks := range availableKernels() {
		haveInPlace = haveInPlace || ks.inPlaceB != nil
		for si, sh := range shapes {
			threads := 1
			if si >= len(shapes)-len(big) {
				threads = 2
			}
			m, n, k := sh[0], sh[1], sh[2]
			t.Run(fmt.Sprintf("%s/%dx%dx%d", ks.name, m, n, k), func(t *testing.T) {
				for ci, tr := range [][2]bool{{false, false}, {false, true}, {true, false}, {true, true}} {
					for pad := range 3 {
						if testing.Short() && pad != (si+ci)%3 {
							continue // one leading dimension per shape
						}
						gc := newGuardCase(r, tr[0], tr[1], m, n, k, pad, si+ci+pad)
						for _, atEnd := range []bool{false, true} {
							g := gc.guard(t, atEnd)
							if !g.transB && lineAligned(g.b, g.ldb) && spreadOverL1(g.ldb) && n >= ks.nr && ks.inPlaceB != nil {
								inPlace++
							}
							checkGuarded(t, ks, threads, gc, g, atEnd)
						}
					}
				}
			})
		}
	}
	if haveInPlace && inPlace == 0 {
		t.Error("no call could read B in place: the in-place kernels went unchecked")
	}
}

// checkGuarded runs gc on the Go heap and g (its guarded copy) through
// Sgemm, SgemmPacked and, when ks is the default set, Serial.
func checkGuarded(t *testing.T, ks *kernelSet, threads int, gc, g *guardCase, atEnd bool) {
	t.Helper()
	where := "against the page before"
	if atEnd {
		where = "against the page after"
	}
	want := slices.Clone(gc.c)
	sgemmWith(ks, threads, gc.transA, gc.transB, gc.m, gc.n, gc.k, gc.alpha, gc.a, gc.lda, gc.b, gc.ldb, gc.beta, want, gc.ldc, gc.ep)
	check := func(path string, call func(c []float32)) {
		t.Helper()
		c := g.c
		copy(c, gc.c)
		call(c)
		for i := range want {
			if math.Float32bits(c[i]) != math.Float32bits(want[i]) {
				t.Fatalf("%s %s, %v, %s: C[%d] = %v, on the heap %v", ks.name, path, gc, where, i, c[i], want[i])
			}
		}
	}
	check("Sgemm", func(c []float32) {
		sgemmWith(ks, threads, g.transA, g.transB, g.m, g.n, g.k, g.alpha, g.a, g.lda, g.b, g.ldb, g.beta, c, g.ldc, g.ep)
	})
	var pa PackedA
	pa.repack(ks, g.transA, g.m, g.k, g.a, g.lda)
	check("SgemmPacked", func(c []float32) {
		SgemmPacked(&pa, g.transB, g.n, g.alpha, g.b, g.ldb, g.beta, c, g.ldc, g.ep)
	})
	if ks != defaultKernels().forRows(g.m) {
		return
	}
	var s Serial
	check("Serial", func(c []float32) {
		s.SgemmEpilogue(g.transA, g.transB, g.m, g.n, g.k, g.alpha, g.a, g.lda, g.b, g.ldb, g.beta, c, g.ldc, g.ep)
	})
	check("Serial packed", func(c []float32) {
		s.SgemmPacked(&pa, g.transB, g.n, g.alpha, g.b, g.ldb, g.beta, c, g.ldc, g.ep)
	})
}
