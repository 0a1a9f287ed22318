// Hand-written (not generated): sigmoid backward of sigmoid_back_amd64.go.

//go:build !purego && amd64

#include "textflag.h"

// func sigmoidBackAVX(n int, y, dy, dx *float32, acc bool)
// dx = (dy*y)*(1-y), or dx += that; n a positive multiple of 8.
TEXT ·sigmoidBackAVX(SB), NOSPLIT, $0-33
	MOVQ         n+0(FP), CX
	MOVQ         y+8(FP), SI
	MOVQ         dy+16(FP), DX
	MOVQ         dx+24(FP), DI
	MOVBLZX      acc+32(FP), BX
	MOVL         $0x3f800000, AX
	MOVL         AX, X15
	VBROADCASTSS X15, Y15
	SHRQ         $0x03, CX
	TESTQ        BX, BX
	JNZ          accloop

setloop:
	VMOVUPS (SI), Y0
	VMULPS  (DX), Y0, Y1
	VSUBPS  Y0, Y15, Y2
	VMULPS  Y2, Y1, Y1
	VMOVUPS Y1, (DI)
	ADDQ    $0x20, SI
	ADDQ    $0x20, DX
	ADDQ    $0x20, DI
	DECQ    CX
	JNZ     setloop
	VZEROUPPER
	RET

accloop:
	VMOVUPS (SI), Y0
	VMULPS  (DX), Y0, Y1
	VSUBPS  Y0, Y15, Y2
	VMULPS  Y2, Y1, Y1
	VADDPS  (DI), Y1, Y1
	VMOVUPS Y1, (DI)
	ADDQ    $0x20, SI
	ADDQ    $0x20, DX
	ADDQ    $0x20, DI
	DECQ    CX
	JNZ     accloop
	VZEROUPPER
	RET
