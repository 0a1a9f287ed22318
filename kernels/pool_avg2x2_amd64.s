// Hand-written (not generated): average pooling, 2x2 windows, stride 2, of
// pool_avg2x2.go.

//go:build !purego && amd64

#include "textflag.h"

// Lane i of the even (odd) table picks element 2i (2i+1) of a 32-float row
// chunk held in two registers.
DATA avgEven<>+0(SB)/4, $0
DATA avgEven<>+4(SB)/4, $2
DATA avgEven<>+8(SB)/4, $4
DATA avgEven<>+12(SB)/4, $6
DATA avgEven<>+16(SB)/4, $8
DATA avgEven<>+20(SB)/4, $10
DATA avgEven<>+24(SB)/4, $12
DATA avgEven<>+28(SB)/4, $14
DATA avgEven<>+32(SB)/4, $16
DATA avgEven<>+36(SB)/4, $18
DATA avgEven<>+40(SB)/4, $20
DATA avgEven<>+44(SB)/4, $22
DATA avgEven<>+48(SB)/4, $24
DATA avgEven<>+52(SB)/4, $26
DATA avgEven<>+56(SB)/4, $28
DATA avgEven<>+60(SB)/4, $30
GLOBL avgEven<>(SB), RODATA|NOPTR, $64

DATA avgOdd<>+0(SB)/4, $1
DATA avgOdd<>+4(SB)/4, $3
DATA avgOdd<>+8(SB)/4, $5
DATA avgOdd<>+12(SB)/4, $7
DATA avgOdd<>+16(SB)/4, $9
DATA avgOdd<>+20(SB)/4, $11
DATA avgOdd<>+24(SB)/4, $13
DATA avgOdd<>+28(SB)/4, $15
DATA avgOdd<>+32(SB)/4, $17
DATA avgOdd<>+36(SB)/4, $19
DATA avgOdd<>+40(SB)/4, $21
DATA avgOdd<>+44(SB)/4, $23
DATA avgOdd<>+48(SB)/4, $25
DATA avgOdd<>+52(SB)/4, $27
DATA avgOdd<>+56(SB)/4, $29
DATA avgOdd<>+60(SB)/4, $31
GLOBL avgOdd<>(SB), RODATA|NOPTR, $64

// func avg2x2s2AVX512(a *avg2x2Args)
// Requires: AVX512F.
// Per output row: full chunks of 16 outputs (32 inputs of each of the two
// input rows), then a masked tail. Each window sums 0 + top-left +
// top-right + bottom-left + bottom-right in that order, then scales: the
// bits of avgForwardPlane's loop when the scale is 1/4.
TEXT ·avg2x2s2AVX512(SB), NOSPLIT, $0-8
	MOVQ a+0(FP), AX
	MOVQ 0(AX), R8  // x: the current output row's top input row
	MOVQ 8(AX), DI  // y
	MOVQ 16(AX), R9 // bytes per input row
	LEAQ (R9)(R9*1), R10
	MOVQ 24(AX), CX // output rows
	KMOVW 40(AX), K4
	KMOVW 48(AX), K5
	KMOVW 56(AX), K6
	VBROADCASTSS 64(AX), Z28
	VPXORD Z29, Z29, Z29
	VMOVUPS avgEven<>(SB), Z30
	VMOVUPS avgOdd<>(SB), Z31

rowloop:
	MOVQ R8, SI
	MOVQ 32(AX), DX // full chunks
	TESTQ DX, DX
	JZ   tail

full:
	VMOVUPS (SI), Z0
	VMOVUPS 64(SI), Z1
	VMOVUPS (SI)(R9*1), Z3
	VMOVUPS 64(SI)(R9*1), Z4
	VMOVAPS Z0, Z2
	VPERMT2PS Z1, Z30, Z0
	VPERMT2PS Z1, Z31, Z2
	VMOVAPS Z3, Z5
	VPERMT2PS Z4, Z30, Z3
	VPERMT2PS Z4, Z31, Z5
	VADDPS Z0, Z29, Z0
	VADDPS Z2, Z0, Z0
	VADDPS Z3, Z0, Z0
	VADDPS Z5, Z0, Z0
	VMULPS Z28, Z0, Z0
	VMOVUPS Z0, (DI)
	ADDQ $128, SI
	ADDQ $64, DI
	DECQ DX
	JNZ  full

tail:
	KORTESTW K6, K6
	JZ   next
	VMOVUPS.Z (SI), K4, Z0
	VMOVUPS.Z 64(SI), K5, Z1
	VMOVUPS.Z (SI)(R9*1), K4, Z3
	VMOVUPS.Z 64(SI)(R9*1), K5, Z4
	VMOVAPS Z0, Z2
	VPERMT2PS Z1, Z30, Z0
	VPERMT2PS Z1, Z31, Z2
	VMOVAPS Z3, Z5
	VPERMT2PS Z4, Z30, Z3
	VPERMT2PS Z4, Z31, Z5
	VADDPS Z0, Z29, Z0
	VADDPS Z2, Z0, Z0
	VADDPS Z3, Z0, Z0
	VADDPS Z5, Z0, Z0
	VMULPS Z28, Z0, Z0
	VMOVUPS Z0, K6, (DI)
	ADDQ 72(AX), DI

next:
	ADDQ R10, R8
	DECQ CX
	JNZ  rowloop
	VZEROUPPER
	RET
