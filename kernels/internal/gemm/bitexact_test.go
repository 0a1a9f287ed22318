package gemm

import (
	"fmt"
	"math"
	"math/big"
	"math/rand/v2"
	"testing"
	"unsafe"
)

// fma32 is float32's fused multiply-add, x*y+z rounded once. The float64 FMA rounds
// the exact value to 53 bits first; that second rounding to float32 can only go wrong
// when the 53-bit value sits exactly halfway between two float32s (or in float32's
// subnormal range), and there the exact sum is rounded with big.Float instead.
func fma32(x, y, z float32) float32 {
	r := math.FMA(float64(x), float64(y), float64(z))
	const low = 1<<29 - 1 // float64 mantissa bits below float32's
	if a := math.Abs(r); math.Float64bits(r)&low != 1<<28 && (a == 0 || a >= 0x1p-126) || math.IsInf(r, 0) || math.IsNaN(r) {
		return float32(r)
	}
	p := new(big.Float).SetPrec(256).SetFloat64(float64(x))
	p.Mul(p, new(big.Float).SetFloat64(float64(y)))
	p.Add(p, new(big.Float).SetFloat64(float64(z)))
	f, _ := p.Float32()
	return f
}

// fmaGoKernels compute each tile in Go with the vector kernels' arithmetic, step for
// step: acc = fma(a, b, acc) over k in order, acc *= alpha, acc = fma(C, beta, acc),
// then the row bias, column bias and residual added, then the ReLU. The tile shape
// differs from the vector kernels' (it changes nothing per element); KC is theirs,
// since the K blocking decides where partial sums pass through C.
var fmaGoKernels = &kernelSet{name: "fma-go", mr: 4, nr: 4, kc: 256, mc: 128, nc: 1024,
	fns: []kfunc{nil, fmaGoKernel(1), fmaGoKernel(2), fmaGoKernel(3), fmaGoKernel(4)}}

// fmaGoKernel is the kernel for a panel with rows valid rows.
func fmaGoKernel(rows int) kfunc {
	return func(kc int, a, b, c *float32, ldc int, p *tileArgs) { fmaGoTile(rows, kc, a, b, c, ldc, p) }
}

func fmaGoTile(rows, kc int, a, b, c *float32, ldc int, p *tileArgs) {
	const mr, nr = 4, 4
	ap := unsafe.Slice(a, kc*mr)
	bp := unsafe.Slice(b, kc*nr)
	var acc [mr][nr]float32
	for s := range kc {
		for r := range mr {
			for j := range nr {
				acc[r][j] = fma32(ap[s*mr+r], bp[s*nr+j], acc[r][j])
			}
		}
	}
	for r := range rows {
		d := unsafe.Slice((*float32)(unsafe.Add(unsafe.Pointer(c), 4*r*ldc)), nr)
		for j := range nr {
			v := acc[r][j] * p.alpha
			if p.flags&flagBeta != 0 {
				v = fma32(d[j], p.beta, v)
			}
			if p.flags&flagRowBias != 0 {
				v += *(*float32)(unsafe.Add(unsafe.Pointer(p.rowBias), 4*r))
			}
			if p.flags&flagColBias != 0 {
				v += *(*float32)(unsafe.Add(unsafe.Pointer(p.colBias), 4*j))
			}
			if p.flags&flagRes != 0 {
				v += *(*float32)(unsafe.Add(unsafe.Pointer(p.res), 4*(r*p.ldr+j)))
			}
			if p.flags&flagReLU != 0 && v < 0 {
				v = 0
			}
			d[j] = v
		}
	}
}

// TestVectorKernelsBitForBit: the AVX2 and AVX-512 micro-kernels give, bit for bit,
// what Go computes with the same operations in the same order, on random problems with
// ragged edges, several K blocks, every epilogue and 1 to 3 threads.
func TestVectorKernelsBitForBit(t *testing.T) {
	var sets []*kernelSet
	for _, ks := range availableKernels() {
		if ks != genericKernels {
			sets = append(sets, ks)
		}
	}
	if len(sets) == 0 {
		t.Log("this CPU or build has no vector kernels; nothing to compare")
		return
	}
	for _, ks := range sets {
		t.Logf("comparing %s", ks.name)
	}
	r := rand.New(rand.NewPCG(7, 8))
	cases := 40
	if testing.Short() {
		cases = 12
	}
	for it := range cases {
		m, n := 1+r.IntN(70), 1+r.IntN(70)
		k := []int{1 + r.IntN(20), 255, 256, 257, 600}[it%5]
		tc := newCase(r, it%2 == 1, it%3 == 1, m, n, k, []float32{1, -0.75}[it%2], []float32{0, 1, 0.5}[it%3])
		ep := Epilogue{ReLU: it%4 == 3}
		if it%2 == 0 {
			ep.RowBias = randSlice(r, m)
		}
		if it%3 == 0 {
			ep.ColBias = randSlice(r, n)
		}
		if it%5 == 2 {
			ep.Residual, ep.LdResidual = randSlice(r, m*n), n
		}
		want := append([]float32(nil), tc.c...)
		sgemmWith(fmaGoKernels, 1, tc.transA, tc.transB, m, n, k, tc.alpha, tc.a, tc.lda, tc.b, tc.ldb, tc.beta, want, tc.ldc, ep)
		for _, ks := range sets {
			got := append([]float32(nil), tc.c...)
			sgemmWith(ks, 1+it%3, tc.transA, tc.transB, m, n, k, tc.alpha, tc.a, tc.lda, tc.b, tc.ldb, tc.beta, got, tc.ldc, ep)
			for i := range m {
				for j := range n {
					g, w := got[i*tc.ldc+j], want[i*tc.ldc+j]
					if math.Float32bits(g) != math.Float32bits(w) {
						t.Fatalf("%s, %v, %+v: C[%d,%d] = %v (%#08x), Go %v (%#08x)", ks.name, tc, epName(ep), i, j, g, math.Float32bits(g), w, math.Float32bits(w))
					}
				}
			}
		}
	}
}

func epName(ep Epilogue) string {
	return fmt.Sprintf("rowbias=%v colbias=%v residual=%v relu=%v", ep.RowBias != nil, ep.ColBias != nil, ep.Residual != nil, ep.ReLU)
}
