package gemm

import (
	"math/rand/v2"
	"testing"
)

// ThreadBufferLen must bound the packing buffers a thread's GEMM grows to,
// for shapes beyond every block size (M > MC, N > NC, K > KC), one M block
// (the fused B path) and a packed A.
func TestThreadBufferLenBoundsTheBuffers(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 3))
	var s Serial
	for _, sh := range [][3]int{{1000, 5000, 600}, {16, 9000, 700}, {24, 300, 40}, {800, 20, 2000}} {
		m, n, k := sh[0], sh[1], sh[2]
		a, b, c := randSlice(r, m*k), randSlice(r, k*n), make([]float32, m*n)
		s.Sgemm(false, false, m, n, k, 1, a, k, b, n, 0, c, n)
		s.SgemmPacked(PackA(false, m, k, a, k), false, n, 1, b, n, 0, c, n, Epilogue{})
		if got := cap(s.w.abuf) + cap(s.w.bbuf); got > ThreadBufferLen() {
			t.Errorf("%dx%dx%d: buffers hold %d elements, ThreadBufferLen says at most %d", m, n, k, got, ThreadBufferLen())
		}
	}
	if cap(s.w.bbuf) == 0 || cap(s.w.abuf) == 0 {
		t.Error("the calls packed nothing: the test checks nothing")
	}
}
