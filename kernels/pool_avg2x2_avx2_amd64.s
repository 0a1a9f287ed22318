// Hand-written (not generated): average pooling, 2x2 windows, stride 2, of
// pool_avg2x2_avx2.go.

//go:build !purego && amd64

#include "textflag.h"

// func avg2x2s2AVX2(a *avg2x2AVX2Args)
// Requires: AVX, AVX2.
// Per output row: chunks of 8 outputs (16 inputs of each of the two input
// rows), then one of 4 if the row has it. VSHUFPS splits even and odd
// columns within 128-bit lanes; the sums are lane-wise, so one VPERMPD
// puts a chunk's outputs in order after them. Each window sums 0 +
// top-left + top-right + bottom-left + bottom-right in that order, then
// scales: the bits of avgForwardPlane's loop when the scale is 1/4.
TEXT ·avg2x2s2AVX2(SB), NOSPLIT, $0-8
	MOVQ a+0(FP), AX
	MOVQ 0(AX), R8  // x: the current output row's top input row
	MOVQ 8(AX), DI  // y
	MOVQ 16(AX), R9 // bytes per input row
	LEAQ (R9)(R9*1), R10
	MOVQ 24(AX), CX // output rows
	MOVQ 40(AX), BX // a chunk of 4 after the 8s
	VBROADCASTSS 48(AX), Y15
	VXORPS Y14, Y14, Y14

rowloop:
	MOVQ R8, SI
	MOVQ 32(AX), DX // chunks of 8
	TESTQ DX, DX
	JZ   four

eight:
	VMOVUPS (SI), Y0
	VMOVUPS 32(SI), Y1
	VMOVUPS (SI)(R9*1), Y2
	VMOVUPS 32(SI)(R9*1), Y3
	VSHUFPS $0x88, Y1, Y0, Y4 // top even
	VSHUFPS $0xDD, Y1, Y0, Y5 // top odd
	VSHUFPS $0x88, Y3, Y2, Y6 // bottom even
	VSHUFPS $0xDD, Y3, Y2, Y7 // bottom odd
	VADDPS Y4, Y14, Y4
	VADDPS Y5, Y4, Y4
	VADDPS Y6, Y4, Y4
	VADDPS Y7, Y4, Y4
	VMULPS Y15, Y4, Y4
	VPERMPD $0xD8, Y4, Y4
	VMOVUPS Y4, (DI)
	ADDQ $64, SI
	ADDQ $32, DI
	DECQ DX
	JNZ  eight

four:
	TESTQ BX, BX
	JZ   next
	VMOVUPS (SI), X0
	VMOVUPS 16(SI), X1
	VMOVUPS (SI)(R9*1), X2
	VMOVUPS 16(SI)(R9*1), X3
	VSHUFPS $0x88, X1, X0, X4
	VSHUFPS $0xDD, X1, X0, X5
	VSHUFPS $0x88, X3, X2, X6
	VSHUFPS $0xDD, X3, X2, X7
	VADDPS X4, X14, X4
	VADDPS X5, X4, X4
	VADDPS X6, X4, X4
	VADDPS X7, X4, X4
	VMULPS X15, X4, X4
	VMOVUPS X4, (DI)
	ADDQ $16, DI

next:
	ADDQ R10, R8
	DECQ CX
	JNZ  rowloop
	VZEROUPPER
	RET
