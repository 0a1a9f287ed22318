// Hand-written (not generated): average pooling backward, 2x2 windows,
// stride 2, of pool_avg2x2_backward.go.

//go:build !purego && amd64

#include "textflag.h"

// Lane i of the low (high) table picks element i/2 (8 + i/2): each of 16
// dy values doubled into 32 adjacent dx columns.
DATA avgDupLo<>+0(SB)/4, $0
DATA avgDupLo<>+4(SB)/4, $0
DATA avgDupLo<>+8(SB)/4, $1
DATA avgDupLo<>+12(SB)/4, $1
DATA avgDupLo<>+16(SB)/4, $2
DATA avgDupLo<>+20(SB)/4, $2
DATA avgDupLo<>+24(SB)/4, $3
DATA avgDupLo<>+28(SB)/4, $3
DATA avgDupLo<>+32(SB)/4, $4
DATA avgDupLo<>+36(SB)/4, $4
DATA avgDupLo<>+40(SB)/4, $5
DATA avgDupLo<>+44(SB)/4, $5
DATA avgDupLo<>+48(SB)/4, $6
DATA avgDupLo<>+52(SB)/4, $6
DATA avgDupLo<>+56(SB)/4, $7
DATA avgDupLo<>+60(SB)/4, $7
GLOBL avgDupLo<>(SB), RODATA|NOPTR, $64

DATA avgDupHi<>+0(SB)/4, $8
DATA avgDupHi<>+4(SB)/4, $8
DATA avgDupHi<>+8(SB)/4, $9
DATA avgDupHi<>+12(SB)/4, $9
DATA avgDupHi<>+16(SB)/4, $10
DATA avgDupHi<>+20(SB)/4, $10
DATA avgDupHi<>+24(SB)/4, $11
DATA avgDupHi<>+28(SB)/4, $11
DATA avgDupHi<>+32(SB)/4, $12
DATA avgDupHi<>+36(SB)/4, $12
DATA avgDupHi<>+40(SB)/4, $13
DATA avgDupHi<>+44(SB)/4, $13
DATA avgDupHi<>+48(SB)/4, $14
DATA avgDupHi<>+52(SB)/4, $14
DATA avgDupHi<>+56(SB)/4, $15
DATA avgDupHi<>+60(SB)/4, $15
GLOBL avgDupHi<>(SB), RODATA|NOPTR, $64

// func avg2x2s2BackAVX512(a *avg2x2Args)
// Requires: AVX512F. a.x is dx, a.y is dy.
// Per dy row: full chunks of 16 dy values (32 dx of each of the two dx
// rows), then a masked tail. Each value stores dy*0.25 + 0, the bits of
// avg2x2BackwardPlane's Go loop without accumulation.
TEXT ·avg2x2s2BackAVX512(SB), NOSPLIT, $0-8
	MOVQ a+0(FP), AX
	MOVQ 0(AX), R8  // dx: the current dy row's top dx row
	MOVQ 8(AX), DI  // dy
	MOVQ 16(AX), R9 // bytes per dx row
	LEAQ (R9)(R9*1), R10
	MOVQ 24(AX), CX // dy rows
	KMOVW 40(AX), K4
	KMOVW 48(AX), K5
	KMOVW 56(AX), K6
	VBROADCASTSS 64(AX), Z28
	VPXORD Z29, Z29, Z29
	VMOVUPS avgDupLo<>(SB), Z30
	VMOVUPS avgDupHi<>(SB), Z31

rowloop:
	MOVQ R8, SI
	MOVQ 32(AX), DX // full chunks
	TESTQ DX, DX
	JZ   tail

full:
	VMULPS (DI), Z28, Z0
	VADDPS Z29, Z0, Z0
	VPERMPS Z0, Z30, Z1
	VPERMPS Z0, Z31, Z2
	VMOVUPS Z1, (SI)
	VMOVUPS Z2, 64(SI)
	VMOVUPS Z1, (SI)(R9*1)
	VMOVUPS Z2, 64(SI)(R9*1)
	ADDQ $128, SI
	ADDQ $64, DI
	DECQ DX
	JNZ  full

tail:
	KORTESTW K6, K6
	JZ   next
	VMOVUPS.Z (DI), K6, Z0
	VMULPS Z28, Z0, Z0
	VADDPS Z29, Z0, Z0
	VPERMPS Z0, Z30, Z1
	VPERMPS Z0, Z31, Z2
	VMOVUPS Z1, K4, (SI)
	VMOVUPS Z2, K5, 64(SI)
	VMOVUPS Z1, K4, (SI)(R9*1)
	VMOVUPS Z2, K5, 64(SI)(R9*1)
	ADDQ 72(AX), DI

next:
	ADDQ R10, R8
	DECQ CX
	JNZ  rowloop
	VZEROUPPER
	RET
