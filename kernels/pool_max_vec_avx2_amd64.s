// Hand-written (not generated): the AVX2 versions of pool_max_vec_amd64.s.

//go:build !purego && amd64

#include "textflag.h"

// max3Tail<>+4*(8-r) is a VMASKMOVPS mask of r leading lanes, 0 < r < 8:
// eight all-ones words then eight zero words.
DATA max3Tail<>+0(SB)/8, $-1
DATA max3Tail<>+8(SB)/8, $-1
DATA max3Tail<>+16(SB)/8, $-1
DATA max3Tail<>+24(SB)/8, $-1
DATA max3Tail<>+32(SB)/8, $0
DATA max3Tail<>+40(SB)/8, $0
DATA max3Tail<>+48(SB)/8, $0
DATA max3Tail<>+56(SB)/8, $0
GLOBL max3Tail<>(SB), RODATA|NOPTR, $64

// func max3AVX2(n int, dst, a, b, c *float32)
// Requires: AVX, AVX2.
// As max3AVX512: VMAXPS with the new value first and the running maximum
// second keeps the running maximum unless the new value is strictly
// greater. dst must not overlap a, b or c (see tail).
TEXT ·max3AVX2(SB), NOSPLIT, $0-40
	MOVQ n+0(FP), CX
	MOVQ dst+8(FP), DI
	MOVQ a+16(FP), SI
	MOVQ b+24(FP), R8
	MOVQ c+32(FP), R9
	XORQ AX, AX
	MOVQ CX, DX
	SHRQ $4, DX
	JZ   one

loop2:
	VMOVUPS (SI)(AX*4), Y0
	VMOVUPS 32(SI)(AX*4), Y3
	VMOVUPS (R8)(AX*4), Y1
	VMOVUPS 32(R8)(AX*4), Y4
	VMAXPS  Y0, Y1, Y0
	VMAXPS  Y3, Y4, Y3
	VMOVUPS (R9)(AX*4), Y2
	VMOVUPS 32(R9)(AX*4), Y5
	VMAXPS  Y0, Y2, Y0
	VMAXPS  Y3, Y5, Y3
	VMOVUPS Y0, (DI)(AX*4)
	VMOVUPS Y3, 32(DI)(AX*4)
	ADDQ    $16, AX
	DECQ    DX
	JNZ     loop2

one:
	TESTQ $8, CX
	JZ    tail
	VMOVUPS (SI)(AX*4), Y0
	VMOVUPS (R8)(AX*4), Y1
	VMAXPS  Y0, Y1, Y0
	VMOVUPS (R9)(AX*4), Y2
	VMAXPS  Y0, Y2, Y0
	VMOVUPS Y0, (DI)(AX*4)
	ADDQ    $8, AX

tail:
	// r = n%8 elements left. With a whole vector before them, redo the
	// last eight (dst does not overlap a, b or c, so the overlap
	// recomputes the same values); else one at a time. Not a masked
	// store: VMASKMOVPS to memory is microcoded and slow on AMD cores.
	ANDQ $7, CX
	JZ   done
	CMPQ AX, $0
	JEQ  scalar
	LEAQ -8(AX)(CX*1), AX
	VMOVUPS (SI)(AX*4), Y0
	VMOVUPS (R8)(AX*4), Y1
	VMAXPS  Y0, Y1, Y0
	VMOVUPS (R9)(AX*4), Y2
	VMAXPS  Y0, Y2, Y0
	VMOVUPS Y0, (DI)(AX*4)
	JMP     done

scalar:
	VMOVSS (SI)(AX*4), X0
	VMOVSS (R8)(AX*4), X1
	VMAXSS X0, X1, X0
	VMOVSS (R9)(AX*4), X2
	VMAXSS X0, X2, X0
	VMOVSS X0, (DI)(AX*4)
	INCQ   AX
	DECQ   CX
	JNZ    scalar

done:
	VZEROUPPER
	RET

// func nonFiniteAVX2(n int, p *float32) bool
// Requires: AVX, AVX2.
// Whether any of p[:n] has an all-ones exponent (NaN or infinity); the
// tail's masked-off lanes load as zero, which is finite.
TEXT ·nonFiniteAVX2(SB), NOSPLIT, $0-17
	MOVQ n+0(FP), CX
	MOVQ p+8(FP), SI
	MOVL $0x7f800000, AX
	MOVL AX, X1
	VPBROADCASTD X1, Y1
	VPXOR Y3, Y3, Y3
	MOVQ CX, DX
	SHRQ $3, DX
	JZ   nftail

nfloop:
	VPAND    (SI), Y1, Y0
	VPCMPEQD Y1, Y0, Y0
	VPOR     Y0, Y3, Y3
	ADDQ     $32, SI
	DECQ     DX
	JNZ      nfloop

nftail:
	ANDQ $7, CX
	JZ   nfdone
	NEGQ CX
	LEAQ max3Tail<>+32(SB), DX
	VMOVUPS (DX)(CX*4), Y7
	VMASKMOVPS (SI), Y7, Y0
	VPAND    Y0, Y1, Y0
	VPCMPEQD Y1, Y0, Y0
	VPOR     Y0, Y3, Y3

nfdone:
	VPTEST Y3, Y3
	SETNE  ret+16(FP)
	VZEROUPPER
	RET

// func max3MaskedAVX2(n int, dst, a, b, c, ma, mc *float32)
// Requires: AVX, AVX2.
// dst[i] = the first maximum of min(a[i], ma[i]), b[i], min(c[i], mc[i]):
// a mask of +Inf keeps a tap, -Inf drops it (the window's edge), so one
// pass serves a run of stacked planes. As max3AVX2 otherwise; dst must not
// overlap a, b or c.
TEXT ·max3MaskedAVX2(SB), NOSPLIT, $0-56
	MOVQ n+0(FP), CX
	MOVQ dst+8(FP), DI
	MOVQ a+16(FP), SI
	MOVQ b+24(FP), R8
	MOVQ c+32(FP), R9
	MOVQ ma+40(FP), R10
	MOVQ mc+48(FP), R11
	XORQ AX, AX
	MOVQ CX, DX
	SHRQ $3, DX
	JZ   mtail

mloop:
	VMOVUPS (SI)(AX*4), Y0
	VMINPS  (R10)(AX*4), Y0, Y0
	VMOVUPS (R8)(AX*4), Y1
	VMAXPS  Y0, Y1, Y0
	VMOVUPS (R9)(AX*4), Y2
	VMINPS  (R11)(AX*4), Y2, Y2
	VMAXPS  Y0, Y2, Y0
	VMOVUPS Y0, (DI)(AX*4)
	ADDQ    $8, AX
	DECQ    DX
	JNZ     mloop

mtail:
	// As max3AVX2's tail: redo the last eight (one more trip through the
	// loop, with no tail left after it), or one at a time.
	ANDQ $7, CX
	JZ   mdone
	CMPQ AX, $0
	JEQ  mscalar
	LEAQ -8(AX)(CX*1), AX
	XORQ CX, CX
	MOVQ $1, DX
	JMP  mloop

mscalar:
	VMOVSS (SI)(AX*4), X0
	VMINSS (R10)(AX*4), X0, X0
	VMOVSS (R8)(AX*4), X1
	VMAXSS X0, X1, X0
	VMOVSS (R9)(AX*4), X2
	VMINSS (R11)(AX*4), X2, X2
	VMAXSS X0, X2, X0
	VMOVSS X0, (DI)(AX*4)
	INCQ   AX
	DECQ   CX
	JNZ    mscalar

mdone:
	VZEROUPPER
	RET
