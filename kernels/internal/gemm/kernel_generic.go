package gemm

import "unsafe"

// The pure-Go kernel: used on CPUs without AVX2+FMA, under the purego build
// tag, and by the tests as a second, independent implementation behind the
// same driver. The tile is 4x4, computed as two 2x4 halves (see
// genericKernel).
const (
	genericMR = 4
	genericNR = 4
)

var genericKernels = &kernelSet{
	name: "generic",
	mr:   genericMR, nr: genericNR,
	kc: 256, mc: 128, nc: 1024,
	fns: []kfunc{nil, genericKernel1, genericKernel2, genericKernel3, genericKernel4},
}

func genericKernel1(kc int, a, b, c *float32, ldc int, p *tileArgs) {
	genericKernel(1, kc, a, b, c, ldc, p)
}
func genericKernel2(kc int, a, b, c *float32, ldc int, p *tileArgs) {
	genericKernel(2, kc, a, b, c, ldc, p)
}
func genericKernel3(kc int, a, b, c *float32, ldc int, p *tileArgs) {
	genericKernel(3, kc, a, b, c, ldc, p)
}
func genericKernel4(kc int, a, b, c *float32, ldc int, p *tileArgs) {
	genericKernel(4, kc, a, b, c, ldc, p)
}

// genericKernel computes the tile two rows at a time: 8 accumulators plus
// 6 operands fit the 15 usable XMM registers on amd64, where a 16-
// accumulator 4x4 loop spills every iteration (measured 3x slower). The
// second pass re-reads the B panel from L1.
func genericKernel(mr, kc int, a, b, c *float32, ldc int, p *tileArgs) {
	var ab [genericMR * genericNR]float32
	for r := 0; r < mr; r += 2 {
		var c00, c01, c02, c03, c10, c11, c12, c13 float32
		for s := range kc {
			// Row r+1 may be past mr: it reads stale panel data and is dropped.
			// Offsets from the base each step: advancing a pointer past the
			// last element would be invalid unsafe arithmetic (checkptr).
			av := (*[2]float32)(unsafe.Add(unsafe.Pointer(a), 4*(genericMR*s+r)))
			bv := (*[genericNR]float32)(unsafe.Add(unsafe.Pointer(b), 4*genericNR*s))
			b0, b1, b2, b3 := bv[0], bv[1], bv[2], bv[3]
			a0, a1 := av[0], av[1]
			c00 += a0 * b0
			c01 += a0 * b1
			c02 += a0 * b2
			c03 += a0 * b3
			c10 += a1 * b0
			c11 += a1 * b1
			c12 += a1 * b2
			c13 += a1 * b3
		}
		al := p.alpha
		ab[r*genericNR+0], ab[r*genericNR+1], ab[r*genericNR+2], ab[r*genericNR+3] = al*c00, al*c01, al*c02, al*c03
		ab[(r+1)*genericNR+0], ab[(r+1)*genericNR+1], ab[(r+1)*genericNR+2], ab[(r+1)*genericNR+3] = al*c10, al*c11, al*c12, al*c13
	}
	finishTile(&ab[0], genericNR, mr, genericNR, c, ldc, p)
}
