// Hand-written (not generated): the AVX2 direct conv kernel of
// conv_direct_avx2.go.

//go:build !purego && amd64

#include "textflag.h"

// One tap: the input segment in Y9, each of the 8 weights broadcast and
// multiplied into its channel's accumulator.
#define DIRECT_TAP \
	VBROADCASTSS 0(R8), Y10; \
	VFMADD231PS Y10, Y9, Y0; \
	VBROADCASTSS 4(R8), Y11; \
	VFMADD231PS Y11, Y9, Y1; \
	VBROADCASTSS 8(R8), Y12; \
	VFMADD231PS Y12, Y9, Y2; \
	VBROADCASTSS 12(R8), Y13; \
	VFMADD231PS Y13, Y9, Y3; \
	VBROADCASTSS 16(R8), Y10; \
	VFMADD231PS Y10, Y9, Y4; \
	VBROADCASTSS 20(R8), Y11; \
	VFMADD231PS Y11, Y9, Y5; \
	VBROADCASTSS 24(R8), Y12; \
	VFMADD231PS Y12, Y9, Y6; \
	VBROADCASTSS 28(R8), Y13; \
	VFMADD231PS Y13, Y9, Y7; \
	ADDQ $32, R8; \
	ADDQ $8, R9

// func directConvAVX2(a *directAVX2Args)
// Requires: AVX, AVX2, FMA.
// Y0-Y7 hold 8 output channels of one 8-wide segment (8 independent FMA
// chains: Zen 3's two FMA pipes of latency 4). Per tap: load the segment's
// input, broadcast the 8 weights, 8 FMAs. A whole segment uses plain loads
// and stores; a partial one VMASKMOVPS (masked lanes are neither read nor
// written).
TEXT ·directConvAVX2(SB), NOSPLIT, $0-8
	MOVQ a+0(FP), AX
	MOVQ 0(AX), SI   // x
	MOVQ 16(AX), R8  // w
	MOVQ 24(AX), R9  // offs
	MOVQ 32(AX), CX  // taps
	MOVQ 56(AX), R10 // bias
	VMOVDQU 64(AX), Y8 // lane mask
	MOVQ 96(AX), BX  // full
	VBROADCASTSS 0(R10), Y0
	VBROADCASTSS 4(R10), Y1
	VBROADCASTSS 8(R10), Y2
	VBROADCASTSS 12(R10), Y3
	VBROADCASTSS 16(R10), Y4
	VBROADCASTSS 20(R10), Y5
	VBROADCASTSS 24(R10), Y6
	VBROADCASTSS 28(R10), Y7
	TESTQ BX, BX
	JZ   maskloop

fullloop:
	MOVQ (R9), DX
	VMOVUPS (SI)(DX*1), Y9
	DIRECT_TAP
	DECQ CX
	JNZ  fullloop
	JMP  relu

maskloop:
	MOVQ (R9), DX
	VMASKMOVPS (SI)(DX*1), Y8, Y9
	DIRECT_TAP
	DECQ CX
	JNZ  maskloop

relu:
	// ReLU keeping NaN: max(0, v) returns its second operand, v, when either is NaN.
	MOVQ 104(AX), DX
	TESTQ DX, DX
	JZ   store
	VXORPS Y9, Y9, Y9
	VMAXPS Y0, Y9, Y0
	VMAXPS Y1, Y9, Y1
	VMAXPS Y2, Y9, Y2
	VMAXPS Y3, Y9, Y3
	VMAXPS Y4, Y9, Y4
	VMAXPS Y5, Y9, Y5
	VMAXPS Y6, Y9, Y6
	VMAXPS Y7, Y9, Y7

store:
	MOVQ 8(AX), DI  // y
	MOVQ 40(AX), DX // ystride
	MOVQ 48(AX), CX // nco
	TESTQ BX, BX
	JZ   maskstore
	VMOVUPS Y0, (DI)
	DECQ CX
	JZ   done
	ADDQ DX, DI
	VMOVUPS Y1, (DI)
	DECQ CX
	JZ   done
	ADDQ DX, DI
	VMOVUPS Y2, (DI)
	DECQ CX
	JZ   done
	ADDQ DX, DI
	VMOVUPS Y3, (DI)
	DECQ CX
	JZ   done
	ADDQ DX, DI
	VMOVUPS Y4, (DI)
	DECQ CX
	JZ   done
	ADDQ DX, DI
	VMOVUPS Y5, (DI)
	DECQ CX
	JZ   done
	ADDQ DX, DI
	VMOVUPS Y6, (DI)
	DECQ CX
	JZ   done
	ADDQ DX, DI
	VMOVUPS Y7, (DI)
	JMP  done

maskstore:
	VMASKMOVPS Y0, Y8, (DI)
	DECQ CX
	JZ   done
	ADDQ DX, DI
	VMASKMOVPS Y1, Y8, (DI)
	DECQ CX
	JZ   done
	ADDQ DX, DI
	VMASKMOVPS Y2, Y8, (DI)
	DECQ CX
	JZ   done
	ADDQ DX, DI
	VMASKMOVPS Y3, Y8, (DI)
	DECQ CX
	JZ   done
	ADDQ DX, DI
	VMASKMOVPS Y4, Y8, (DI)
	DECQ CX
	JZ   done
	ADDQ DX, DI
	VMASKMOVPS Y5, Y8, (DI)
	DECQ CX
	JZ   done
	ADDQ DX, DI
	VMASKMOVPS Y6, Y8, (DI)
	DECQ CX
	JZ   done
	ADDQ DX, DI
	VMASKMOVPS Y7, Y8, (DI)

done:
	VZEROUPPER
	RET
