package gemm

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// BenchmarkPack reports packing cost per element for 1024-wide operands
// (A: N = row-major rows gathered with stride MR = 6, 16 or 24, T =
// transposed; B: BN =
// 16-float row copies, BT = gathered columns), to weigh it against the
// micro-kernel's ~0.02 ns of arithmetic per packed element reuse.
func BenchmarkPack(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 1))
	a := randSlice(r, 1024*1024)
	dst := make([]float32, 144*256)
	for _, mr := range []int{6, 16, 24} { // AVX2's, AVX-512's two
		for _, tr := range []bool{false, true} {
			name := fmt.Sprintf("N/mr=%d", mr)
			if tr {
				name = fmt.Sprintf("T/mr=%d", mr)
			}
			b.Run(name, func(b *testing.B) {
				for b.Loop() {
					for ic := 0; ic < 1024; ic += 144 {
						packA(dst, mr, tr, a, 1024, ic, min(144, 1024-ic), 256, 256)
					}
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/(1024*256), "ns/elem")
			})
		}
	}
	bb := make([]float32, 256*1024)
	for _, tr := range []bool{false, true} {
		name := "BN"
		if tr {
			name = "BT"
		}
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				packB(bb, 16, tr, a, 1024, 256, 256, 0, 1024)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/(1024*256), "ns/elem")
		})
	}
}

// TestPackAPanels: packA lays out every panel height the kernel sets use
// (MR = 6, 16, 24; full and ragged panels), transposed or not, for K
// lengths around the eight-step blocks of the AVX transposes, exactly as
// its definition says: dst[q*MR*kc + p*MR + r] = op(A)[i0+q*MR+r][p0+p].
func TestPackAPanels(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	const lda = 101 // rows of A (or of A^T) are 101 floats apart
	a := randSlice(r, lda*lda)
	for _, mr := range []int{6, 16, 24} {
		for _, tr := range []bool{false, true} {
			for _, mc := range []int{1, mr - 1, mr, 2*mr + 5, 3 * mr} {
				for _, kc := range []int{1, 7, 8, 9, 16, 31, 64} {
					i0, p0 := 3, 5
					dst := make([]float32, roundUp(mc, mr)*kc)
					const poison = -7.5 // rows past mc stay as they were
					for i := range dst {
						dst[i] = poison
					}
					packA(dst, mr, tr, a, lda, i0, mc, p0, kc)
					for q := 0; q*mr < mc; q++ {
						for p := range kc {
							for row := range mr {
								got := dst[q*mr*kc+p*mr+row]
								i, k := i0+q*mr+row, p0+p
								want := float32(poison)
								if q*mr+row < mc {
									want = a[i*lda+k]
									if tr {
										want = a[k*lda+i]
									}
								}
								if got != want {
									t.Fatalf("mr=%d trans=%v mc=%d kc=%d: panel %d, k %d, row %d = %v, want %v", mr, tr, mc, kc, q, p, row, got, want)
								}
							}
						}
					}
				}
			}
		}
	}
}
