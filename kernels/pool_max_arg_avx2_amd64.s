// Hand-written (not generated): the window argmax of 3x3 stride-1 max
// pooling once the maxima are known (pool_max_arg.go).

//go:build !purego && amd64

#include "textflag.h"

// TAP checks one tap for the 8 outputs at AX: where x at disp(base) equals
// the output's maximum (Y0) and the tap lies in the plane (the word's
// validity bits, Y1, hold the tap's bits at (8t)(R12)), the result (Y2)
// becomes the tap's offset at (8t+4)(R12). Taps go last to first, so the
// first matching tap in row-major order is the one left.
#define TAP(disp, base, t) \
	VCMPPS       $0, disp(base)(AX*4), Y0, Y3; \
	VPBROADCASTD (8*t)(R12), Y4; \
	VPAND        Y1, Y4, Y5; \
	VPCMPEQD     Y4, Y5, Y5; \
	VPAND        Y5, Y3, Y3; \
	VPBROADCASTD (8*t+4)(R12), Y4; \
	VBLENDVPS    Y3, Y4, Y2, Y2

// ARGMAX8 computes idx[AX:AX+8].
#define ARGMAX8 \
	VMOVUPS (DI)(AX*4), Y0; \
	VMOVDQU (R10)(AX*4), Y1; \
	VPXOR   Y2, Y2, Y2; \
	TAP(4, R9, 8); \
	TAP(0, R9, 7); \
	TAP(-4, R9, 6); \
	TAP(4, SI, 5); \
	TAP(0, SI, 4); \
	TAP(-4, SI, 3); \
	TAP(4, R8, 2); \
	TAP(0, R8, 1); \
	TAP(-4, R8, 0); \
	VPAND   Y15, Y1, Y1; \
	VPADDD  Y1, Y2, Y2; \
	VMOVDQU Y2, (R11)(AX*4)

// func argmax3s1AVX2(n int, x, y *float32, word, idx *int32, w int, taps *int32)
// Requires: AVX, AVX2.
// For i < n: idx[i] = word[i]&0xffff + the offset of the first tap t of
// 3x3 window i (taps at x[i + (t/3-1)*w + t%3-1], row-major) with x == y[i]
// and word[i]>>16 holding the tap's validity bits. n >= 8; the last n%8
// outputs are done by redoing the last eight (idx overlaps no input).
TEXT ·argmax3s1AVX2(SB), NOSPLIT, $0-56
	MOVQ n+0(FP), CX
	MOVQ x+8(FP), SI
	MOVQ y+16(FP), DI
	MOVQ word+24(FP), R10
	MOVQ idx+32(FP), R11
	MOVQ w+40(FP), DX
	MOVQ taps+48(FP), R12
	SHLQ $2, DX
	MOVQ SI, R8
	SUBQ DX, R8
	LEAQ (SI)(DX*1), R9
	MOVL $0xffff, DX
	MOVL DX, X15
	VPBROADCASTD X15, Y15
	XORQ AX, AX
	MOVQ CX, DX
	SHRQ $3, DX

loop:
	ARGMAX8
	ADDQ $8, AX
	DECQ DX
	JNZ  loop

	ANDQ $7, CX
	JZ   done
	LEAQ -8(AX)(CX*1), AX
	ARGMAX8

done:
	VZEROUPPER
	RET
