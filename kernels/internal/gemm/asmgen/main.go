// Command asmgen generates the SGEMM micro-kernels of package gemm with avo.
//
// Regenerate everything from the repository root with
//
//	go generate ./kernels/...
//
// which runs it from this directory (the go:generate lines in kernel_amd64.go and
// ../../../vec_amd64.go), e.g. `go run . -isa avx2 -pkg gemm -out ../kernel_avx2_amd64.s
// -decl ../kernel_avx2_decl_amd64.go`; -isa avx512, pack (B packing) and vec (package
// kernels' vector loops, vec.go) likewise. CI regenerates and fails on any difference.
//
// It lives in its own module so that package gemm does not depend on avo.
//
// Every kernel computes one MR x NR tile of C from packed panels:
//
//	AB = sum_{p<kc} Apanel[p*MR + r] * Bpanel[p*NR + j]      (r < mr, j < NR)
//	C[r*ldc + j] = epilogue(alpha*AB + beta*C)
//
// A is the broadcast operand (one scalar per row), B the vector operand (NR
// contiguous floats per k step), so each row of the tile is NR/W vector
// registers and the stores are contiguous rows of row-major C. One function
// is emitted per row count mr = 1..MR; all read A with the packed stride MR,
// so the driver can finish a ragged bottom panel with the exact kernel
// instead of computing into scratch. Both ISAs come from the same code so the
// AVX2 kernels, which CI can run on any current x86, exercise the generator
// logic that the AVX-512 kernels share.
package main

import (
	"flag"
	"fmt"
	"os"

	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	"github.com/mmcloughlin/avo/reg"
)

// Offsets into gemm.tileArgs (checked by TestTileArgsLayout in package gemm).
const (
	offAlpha   = 0
	offBeta    = 4
	offFlags   = 8
	offRowBias = 16
	offColBias = 24
	offRes     = 32
	offLdr     = 40
	offLdb     = 48
)

// Flag bits of tileArgs.flags (must match flag* constants in package gemm).
const (
	flagBeta    = 1 << 0 // beta != 0: read C
	flagRowBias = 1 << 1
	flagColBias = 1 << 2
	flagRes     = 1 << 3
	flagReLU    = 1 << 4
)

// isa describes one vector instruction set.
type isa struct {
	name  string // function name suffix
	width int    // float32 lanes per vector register
	mr    int    // packed panel height (rows of A per k step)
	nv    int    // vectors per tile row, NR = nv*width
	vec   func(i int) reg.VecPhysical
	nregs int
	// zero clears a register: VXORPS on zmm needs AVX512DQ, VPXORD only
	// AVX512F, so the AVX-512 kernels need nothing beyond AVX512F.
	zero func(r reg.VecPhysical)
	// bcstFMA: fold the A broadcast into the FMA (AVX-512 embedded broadcast)
	// instead of a separate VBROADCASTSS; only useful when nv == 1.
	bcstFMA bool
	// stridedB: B is read in place, k step p at b + p*ldb (ldb from
	// tileArgs, in floats), rather than from a packed panel; see rowB.
	stridedB bool
}

var (
	avx2 = isa{
		name: "AVX2", width: 8, mr: 6, nv: 2, nregs: 16,
		// 6x16: 12 accumulators + 2 B vectors + 2 broadcast registers = all
		// 16 ymm. 12 independent FMA chains cover 2 pipes x 4 cycles latency
		// with room to spare; this is BLIS's haswell/zen sgemm tile.
		vec:  func(i int) reg.VecPhysical { return ymm[i] },
		zero: func(r reg.VecPhysical) { VXORPS(r, r, r) },
	}
	avx512 = isa{
		name: "AVX512", width: 16, mr: 24, nv: 1, nregs: 32, bcstFMA: true,
		// 24x16: 24 zmm accumulators, 1 B vector, A via embedded broadcast;
		// this is OpenBLAS's skylakex 16x24 sgemm tile seen from row-major.
		// The KCx16 B micro-panel is only 64 bytes per k step, so a KC=256
		// panel (16 KiB) stays in L1 while A panels stream from L2.
		vec:  func(i int) reg.VecPhysical { return zmm[i] },
		zero: func(r reg.VecPhysical) { VPXORD(r, r, r) },
	}
)

var ymm = []reg.VecPhysical{reg.Y0, reg.Y1, reg.Y2, reg.Y3, reg.Y4, reg.Y5, reg.Y6, reg.Y7,
	reg.Y8, reg.Y9, reg.Y10, reg.Y11, reg.Y12, reg.Y13, reg.Y14, reg.Y15}

var zmm = []reg.VecPhysical{reg.Z0, reg.Z1, reg.Z2, reg.Z3, reg.Z4, reg.Z5, reg.Z6, reg.Z7,
	reg.Z8, reg.Z9, reg.Z10, reg.Z11, reg.Z12, reg.Z13, reg.Z14, reg.Z15,
	reg.Z16, reg.Z17, reg.Z18, reg.Z19, reg.Z20, reg.Z21, reg.Z22, reg.Z23,
	reg.Z24, reg.Z25, reg.Z26, reg.Z27, reg.Z28, reg.Z29, reg.Z30, reg.Z31}

const unroll = 4 // k steps per main-loop iteration; amortises the loop counter and pointer updates

func main() {
	which := flag.String("isa", "avx2", "avx2, avx512, pack or vec")
	// Knobs for trying other tiles, e.g. -mr 4 -nv 3 -suffix x424 for a
	// 4x24 AVX2 kernel (measured: same in-L1 speed as 6x16 on Zen 3).
	mrFlag := flag.Int("mr", 0, "override MR (experiments)")
	nvFlag := flag.Int("nv", 0, "override vectors per tile row (experiments)")
	suffix := flag.String("suffix", "", "function name suffix")
	stridedB := flag.Bool("stridedb", false, "read B in place with row stride tileArgs.ldb instead of from a packed panel")
	decl := flag.String("decl", "", "also write the Go declarations of the kernels to this file")
	flag.Parse()
	var s isa
	switch *which {
	case "pack":
		ConstraintExpr("!purego")
		packB16()
		packB16x4()
		transposeRows(24)
		transposeRows(16)
		transposeRows(6)
		Generate()
		return
	case "vec":
		ConstraintExpr("!purego")
		vecKernels()
		Generate()
		return
	case "avx2":
		s = avx2
	case "avx512":
		s = avx512
	default:
		fmt.Fprintln(os.Stderr, "unknown -isa", *which)
		os.Exit(2)
	}
	if *mrFlag > 0 {
		s.mr = *mrFlag
	}
	if *nvFlag > 0 {
		s.nv = *nvFlag
	}
	s.name += *suffix
	s.stridedB = *stridedB
	ConstraintExpr("!purego") // the file name adds amd64
	var names []string
	for mr := 1; mr <= s.mr; mr++ {
		names = append(names, kernel(s, mr))
	}
	Generate()
	if *decl != "" {
		if err := writeDecls(*decl, names); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
	}
}

// kernel emits kern<ISA>_<mr>(kc int, a, b, c *float32, ldc int, p *tileArgs)
// and returns its name.
func kernel(s isa, mr int) string {
	name := fmt.Sprintf("kern%s_%d", s.name, mr)
	TEXT(name, NOSPLIT, "func(kc int, a, b, c *float32, ldc int, p *[7]uint64)")
	if s.stridedB {
		Doc(fmt.Sprintf("%s computes a %dx%d tile of C from an MR=%d packed A panel and %d columns of B read in place (row stride p.ldb).",
			name, mr, s.nv*s.width, s.mr, s.nv*s.width))
	} else {
		Doc(fmt.Sprintf("%s computes a %dx%d tile of C from an MR=%d packed A panel and an NR=%d packed B panel.",
			name, mr, s.nv*s.width, s.mr, s.nv*s.width))
	}

	nacc := mr * s.nv
	acc := func(r, v int) reg.VecPhysical { return s.vec(r*s.nv + v) }
	// Registers after the accumulators: B vectors, then broadcast scratch.
	bvec := func(v int) reg.VecPhysical { return s.vec(nacc + v) }
	nfree := s.nregs - nacc - s.nv
	bcast := func(r int) reg.VecPhysical { return s.vec(nacc + s.nv + r%nfree) }
	vbytes := 4 * s.width
	nrBytes := vbytes * s.nv
	mrBytes := 4 * s.mr

	kc := Load(Param("kc"), reg.RCX)
	a := Load(Param("a"), reg.RSI)
	b := Load(Param("b"), reg.RDX)
	c := Load(Param("c"), reg.RDI)
	ldc := Load(Param("ldc"), reg.R8)
	p := Load(Param("p"), reg.R9)
	SHLQ(U8(2), ldc) // ldc in bytes
	// Strided B: ldb in bytes, and b2 = b + 2*ldb so that the four k steps
	// of an unrolled iteration address b, b+ldb, b2, b2+ldb. Both
	// registers are free until the epilogue.
	ldb, b2 := reg.R11, reg.RBX
	if s.stridedB {
		MOVQ(Mem{Base: p, Disp: offLdb}, ldb)
		SHLQ(U8(2), ldb)
		LEAQ(Mem{Base: b, Index: ldb, Scale: 2}, b2)
	}

	Comment("Prefetch the C tile: it is read (beta != 0) or written after the k loop.")
	row := reg.R10
	MOVQ(c, row)
	for r := 0; r < mr; r++ {
		PREFETCHT0(Mem{Base: row})
		PREFETCHT0(Mem{Base: row, Disp: s.nv*vbytes - 4}) // an unaligned row spans two lines
		if r+1 < mr {
			ADDQ(ldc, row)
		}
	}

	Comment("Zero the accumulators.")
	for i := 0; i < nacc; i++ {
		s.zero(s.vec(i))
	}

	// rowB is where k step u of an unrolled iteration reads B: packed,
	// nrBytes further per step; strided, a row of B (ldb bytes) further.
	rowB := func(u int) Mem {
		if !s.stridedB {
			return Mem{Base: b, Disp: u * nrBytes}
		}
		return []Mem{{Base: b}, {Base: b, Index: ldb, Scale: 1}, {Base: b2}, {Base: b2, Index: ldb, Scale: 1}}[u]
	}
	// step emits one k step reading A at a+aoff and B at bm.
	step := func(aoff int, bm Mem) {
		for v := 0; v < s.nv; v++ {
			bv := bm
			bv.Disp += v * vbytes
			VMOVUPS(bv, bvec(v))
		}
		for r := 0; r < mr; r++ {
			am := Mem{Base: a, Disp: aoff + 4*r}
			if s.bcstFMA && s.nv == 1 {
				VFMADD231PS_BCST(am, bvec(0), acc(r, 0))
				continue
			}
			VBROADCASTSS(am, bcast(r))
			for v := 0; v < s.nv; v++ {
				VFMADD231PS(bvec(v), bcast(r), acc(r, v))
			}
		}
	}

	Comment(fmt.Sprintf("Main loop: %d k steps per iteration.", unroll))
	n4 := reg.RAX
	MOVQ(kc, n4)
	SHRQ(U8(2), n4)
	JZ(LabelRef("tail"))
	Label("loop4")
	for u := 0; u < unroll; u++ {
		step(u*mrBytes, rowB(u))
	}
	ADDQ(U32(unroll*mrBytes), a)
	if s.stridedB {
		LEAQ(Mem{Base: b, Index: ldb, Scale: 4}, b)
		LEAQ(Mem{Base: b, Index: ldb, Scale: 2}, b2)
	} else {
		ADDQ(U32(unroll*nrBytes), b)
	}
	DECQ(n4)
	JNZ(LabelRef("loop4"))

	Label("tail")
	ANDQ(U8(unroll-1), kc)
	JZ(LabelRef("store"))
	Label("loop1")
	step(0, rowB(0))
	ADDQ(U32(mrBytes), a)
	if s.stridedB {
		ADDQ(ldb, b)
	} else {
		ADDQ(U32(nrBytes), b)
	}
	DECQ(kc)
	JNZ(LabelRef("loop1"))

	Label("store")
	flags := reg.RBX
	MOVQ(Mem{Base: p, Disp: offFlags}, flags)
	t0 := s.vec(s.nregs - 1) // scratch vectors for the epilogue
	t1 := s.vec(s.nregs - 2)

	Comment("acc *= alpha")
	VBROADCASTSS(Mem{Base: p, Disp: offAlpha}, t0)
	for i := 0; i < nacc; i++ {
		VMULPS(t0, s.vec(i), s.vec(i))
	}

	// rows runs body(r, rowPtr) with rowPtr = base + r*stride, one row at a time.
	rows := func(base, stride reg.Register, body func(r int, ptr reg.Register)) {
		MOVQ(base, row)
		for r := 0; r < mr; r++ {
			body(r, row)
			if r+1 < mr {
				ADDQ(stride, row)
			}
		}
	}

	Comment("acc += beta * C (skipped when beta == 0 so garbage or NaN in C is never read)")
	TESTQ(U32(flagBeta), flags)
	JZ(LabelRef("nobeta"))
	VBROADCASTSS(Mem{Base: p, Disp: offBeta}, t0)
	rows(c, ldc, func(r int, ptr reg.Register) {
		for v := 0; v < s.nv; v++ {
			VFMADD231PS(Mem{Base: ptr, Disp: v * vbytes}, t0, acc(r, v))
		}
	})
	Label("nobeta")

	Comment("acc += rowBias[r]")
	ptr := reg.R11
	TESTQ(U32(flagRowBias), flags)
	JZ(LabelRef("norowbias"))
	MOVQ(Mem{Base: p, Disp: offRowBias}, ptr)
	for r := 0; r < mr; r++ {
		VBROADCASTSS(Mem{Base: ptr, Disp: 4 * r}, t0)
		for v := 0; v < s.nv; v++ {
			VADDPS(t0, acc(r, v), acc(r, v))
		}
	}
	Label("norowbias")

	Comment("acc += colBias[j]")
	TESTQ(U32(flagColBias), flags)
	JZ(LabelRef("nocolbias"))
	MOVQ(Mem{Base: p, Disp: offColBias}, ptr)
	for v := 0; v < s.nv; v++ {
		VMOVUPS(Mem{Base: ptr, Disp: v * vbytes}, t0)
		for r := 0; r < mr; r++ {
			VADDPS(t0, acc(r, v), acc(r, v))
		}
	}
	Label("nocolbias")

	Comment("acc += residual[r*ldr + j]")
	TESTQ(U32(flagRes), flags)
	JZ(LabelRef("nores"))
	MOVQ(Mem{Base: p, Disp: offRes}, ptr)
	ldr := reg.R12
	MOVQ(Mem{Base: p, Disp: offLdr}, ldr)
	SHLQ(U8(2), ldr)
	rows(ptr, ldr, func(r int, rp reg.Register) {
		for v := 0; v < s.nv; v++ {
			VADDPS(Mem{Base: rp, Disp: v * vbytes}, acc(r, v), acc(r, v))
		}
	})
	Label("nores")

	// Operand order keeps NaN: MAXPS returns its second source (acc) when
	// either input is NaN, like PyTorch's relu.
	Comment("acc = max(acc, 0)")
	TESTQ(U32(flagReLU), flags)
	JZ(LabelRef("norelu"))
	s.zero(t1)
	for i := 0; i < nacc; i++ {
		VMAXPS(s.vec(i), t1, s.vec(i))
	}
	Label("norelu")

	Comment("Store the tile.")
	rows(c, ldc, func(r int, ptr reg.Register) {
		for v := 0; v < s.nv; v++ {
			VMOVUPS(acc(r, v), Mem{Base: ptr, Disp: v * vbytes})
		}
	})
	VZEROUPPER()
	RET()
	return name
}

// packB16 emits packB16AVX(kc int, src *float32, ldb int, dst *float32):
// dst[p*16 : p*16+16] = src[p*ldb : p*ldb+16] for p < kc, the packing of
// one 16-wide micro-panel of a row-major B. Each source row is prefetched
// one panel (64 bytes) ahead: the next micro-panel is the next 64 bytes of
// the same kc rows, a pattern of kc interleaved streams that the hardware
// prefetchers do not follow. Plain AVX, shared by both kernel families.
func packB16() {
	TEXT("packB16AVX", NOSPLIT, "func(kc int, src *float32, ldb int, dst *float32)")
	Doc("packB16AVX copies kc rows of 16 floats, row stride ldb, into dst contiguously.")
	kc := Load(Param("kc"), reg.RCX)
	src := Load(Param("src"), reg.RSI)
	ldb := Load(Param("ldb"), reg.RDX)
	dst := Load(Param("dst"), reg.RDI)
	SHLQ(U8(2), ldb)
	TESTQ(kc, kc)
	JZ(LabelRef("done"))
	Label("loop")
	VMOVUPS(Mem{Base: src}, reg.Y0)
	VMOVUPS(Mem{Base: src, Disp: 32}, reg.Y1)
	PREFETCHT0(Mem{Base: src, Disp: 64})
	PREFETCHT0(Mem{Base: src, Disp: 124})
	VMOVUPS(reg.Y0, Mem{Base: dst})
	VMOVUPS(reg.Y1, Mem{Base: dst, Disp: 32})
	ADDQ(ldb, src)
	ADDQ(U8(64), dst)
	DECQ(kc)
	JNZ(LabelRef("loop"))
	Label("done")
	VZEROUPPER()
	RET()
}

// packB16x4 emits packB16x4AVX(kc int, src *float32, ldb int, dst *float32):
// four adjacent 16-wide micro-panels at once, dst panel w at dst+w*kc*16.
// Reading 256 contiguous bytes per source row, instead of 64 bytes in four
// separate passes, lets each DRAM page and cache line be fetched once even
// when ldb is a multiple of 4 KiB and the rows conflict in L1/L2. The next
// chunk (the next 256 bytes of each row) is prefetched.
func packB16x4() {
	TEXT("packB16x4AVX", NOSPLIT, "func(kc int, src *float32, ldb int, dst *float32)")
	Doc("packB16x4AVX packs four adjacent 16-float columns blocks of kc rows into four kc x 16 panels.")
	kc := Load(Param("kc"), reg.RCX)
	src := Load(Param("src"), reg.RSI)
	ldb := Load(Param("ldb"), reg.RDX)
	dst := Load(Param("dst"), reg.RDI)
	SHLQ(U8(2), ldb)
	stride := reg.R8 // panel stride in bytes: kc*64
	MOVQ(kc, stride)
	SHLQ(U8(6), stride)
	TESTQ(kc, kc)
	JZ(LabelRef("done"))
	Label("loop")
	d := reg.R9
	MOVQ(dst, d)
	for w := 0; w < 4; w++ {
		y0, y1 := ymm[2*w], ymm[2*w+1]
		VMOVUPS(Mem{Base: src, Disp: 64 * w}, y0)
		VMOVUPS(Mem{Base: src, Disp: 64*w + 32}, y1)
	}
	for w := 0; w < 4; w++ {
		PREFETCHT0(Mem{Base: src, Disp: 256 + 64*w})
	}
	for w := 0; w < 4; w++ {
		VMOVUPS(ymm[2*w], Mem{Base: d})
		VMOVUPS(ymm[2*w+1], Mem{Base: d, Disp: 32})
		if w < 3 {
			ADDQ(stride, d)
		}
	}
	ADDQ(ldb, src)
	ADDQ(U8(64), dst)
	DECQ(kc)
	JNZ(LabelRef("loop"))
	Label("done")
	VZEROUPPER()
	RET()
}

// transposeRows emits transpose<n>AVX(blocks int, src *float32, ld int, dst
// *float32): for p < 8*blocks and r < n, dst[p*n + r] = src[r*ld + p]. It
// interleaves n source rows into a packed panel with stride n, the
// transposing copy behind packA (n = MR = 6 or 24) and a transposed packB (n = NR =
// 16), eight k steps at a time: eight rows of eight floats are loaded,
// transposed in registers (unpack, shuffle, 128-bit permute: BLIS's and
// every AVX code's 8x8 transpose) and stored as eight runs of eight.
//
// For n = 6 the transpose has two spare rows and each 32-byte store writes
// two floats past its run, into the first two of the next run, which the
// next store (or the caller's tail) then overwrites: the caller leaves at
// least one k step after the last block.
func transposeRows(n int) {
	name := fmt.Sprintf("transpose%dAVX", n)
	TEXT(name, NOSPLIT, "func(blocks int, src *float32, ld int, dst *float32)")
	Doc(fmt.Sprintf("%s interleaves %d rows of 8*blocks floats (row stride ld) into dst with stride %d.", name, n, n))
	blocks := Load(Param("blocks"), reg.RCX)
	src := Load(Param("src"), reg.RSI)
	ld := Load(Param("ld"), reg.RDX)
	dst := Load(Param("dst"), reg.RDI)
	SHLQ(U8(2), ld)
	ld3 := reg.R8
	LEAQ(Mem{Base: ld, Index: ld, Scale: 2}, ld3)
	// One pointer per group of four rows: rows 4q..4q+3 at rowp[q] + {0, ld, 2ld, 3ld}.
	groups := (n + 3) / 4
	rowp := []reg.Register{src, reg.R9, reg.R10, reg.R11, reg.R12, reg.R13}[:groups]
	for q := 1; q < groups; q++ {
		LEAQ(Mem{Base: rowp[q-1], Index: ld, Scale: 4}, rowp[q])
	}
	TESTQ(blocks, blocks)
	JZ(LabelRef("done"))
	Label("loop")
	for g := 0; g*8 < n; g++ {
		rows := min(8, n-g*8)
		r := ymm[0:8]
		for i := 0; i < rows; i++ {
			row := g*8 + i
			base := rowp[row/4]
			switch row % 4 {
			case 0:
				VMOVUPS(Mem{Base: base}, r[i])
			case 1:
				VMOVUPS(Mem{Base: base, Index: ld, Scale: 1}, r[i])
			case 2:
				VMOVUPS(Mem{Base: base, Index: ld, Scale: 2}, r[i])
			case 3:
				VMOVUPS(Mem{Base: base, Index: ld3, Scale: 1}, r[i])
			}
		}
		t, sv, out := ymm[8:16], ymm[0:8], ymm[8:16]
		for i := 0; i < 4; i++ {
			VUNPCKLPS(r[2*i+1], r[2*i], t[2*i])   // r0[0] r1[0] r0[1] r1[1] | [4] [5]
			VUNPCKHPS(r[2*i+1], r[2*i], t[2*i+1]) // r0[2] r1[2] r0[3] r1[3] | [6] [7]
		}
		for h := 0; h < 2; h++ { // rows 0-3, then rows 4-7
			a, b := t[4*h], t[4*h+2]
			c, d := t[4*h+1], t[4*h+3]
			VSHUFPS(U8(0x44), b, a, sv[4*h])   // column 0 | 4 of four rows
			VSHUFPS(U8(0xEE), b, a, sv[4*h+1]) // column 1 | 5
			VSHUFPS(U8(0x44), d, c, sv[4*h+2]) // column 2 | 6
			VSHUFPS(U8(0xEE), d, c, sv[4*h+3]) // column 3 | 7
		}
		for j := 0; j < 4; j++ {
			VPERM2F128(U8(0x20), sv[4+j], sv[j], out[j])   // column j: rows 0-3, 4-7
			VPERM2F128(U8(0x31), sv[4+j], sv[j], out[4+j]) // column j+4
		}
		for j := 0; j < 8; j++ {
			VMOVUPS(out[j], Mem{Base: dst, Disp: 4 * (j*n + g*8)})
		}
	}
	for _, p := range rowp {
		ADDQ(U8(32), p)
	}
	ADDQ(U32(4*8*n), dst)
	DECQ(blocks)
	JNZ(LabelRef("loop"))
	Label("done")
	VZEROUPPER()
	RET()
}
