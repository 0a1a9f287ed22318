// Hand-written (not generated): the AVX2 direct weight-gradient kernel of
// conv_direct_filter_avx2.go.

//go:build !purego && amd64

#include "textflag.h"

// One 8-wide segment: the two taps' inputs (LOAD from SI, into Y8 and Y9)
// times each of the 4 channels' gradients (from DI, into Y10), into
// Y(j) for tap 0 and Y(4+j) for tap 1.
#define FILTER_SEG(LOAD) \
	LOAD((SI)(R9*1), Y8); \
	LOAD((SI)(R10*1), Y9); \
	MOVQ 0(R8), BX; \
	LOAD((DI)(BX*1), Y10); \
	VFMADD231PS Y10, Y8, Y0; \
	VFMADD231PS Y10, Y9, Y4; \
	MOVQ 8(R8), BX; \
	LOAD((DI)(BX*1), Y10); \
	VFMADD231PS Y10, Y8, Y1; \
	VFMADD231PS Y10, Y9, Y5; \
	MOVQ 16(R8), BX; \
	LOAD((DI)(BX*1), Y10); \
	VFMADD231PS Y10, Y8, Y2; \
	VFMADD231PS Y10, Y9, Y6; \
	MOVQ 24(R8), BX; \
	LOAD((DI)(BX*1), Y10); \
	VFMADD231PS Y10, Y8, Y3; \
	VFMADD231PS Y10, Y9, Y7

#define LOAD_FULL(M, Y) VMOVUPS M, Y
#define LOAD_TAIL(M, Y) VMASKMOVPS M, Y11, Y

// func directFilterAVX2(a *directFilterAVX2Args)
// Requires: AVX, AVX2, FMA.
// Y(4i+j) accumulates, lane by lane, tap i's input times channel j's
// gradient over 8-wide segments of every output row of every sample (8
// independent FMA chains); a row's partial last segment is loaded masked
// (zeros past the row). The 8 vectors are stored to a.out for the caller
// to sum lanes.
TEXT ·directFilterAVX2(SB), NOSPLIT, $0-8
	MOVQ a+0(FP), AX
	MOVQ 0(AX), R14  // x: the current input row (taps are offsets from it)
	MOVQ 8(AX), DI   // dy: the current output position, channel 0
	MOVQ 16(AX), R8  // byte offsets of the 4 channels from dy
	MOVQ 24(AX), R9  // tap offsets
	MOVQ 32(AX), R10
	MOVQ 40(AX), R13 // samples
	VMOVDQU 104(AX), Y11 // the partial segment's lanes
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3
	VXORPS Y4, Y4, Y4
	VXORPS Y5, Y5, Y5
	VXORPS Y6, Y6, Y6
	VXORPS Y7, Y7, Y7

sample:
	MOVQ 48(AX), R12 // output rows

row:
	MOVQ R14, SI
	MOVQ 56(AX), CX // whole segments in the row
	TESTQ CX, CX
	JZ   tail

seg:
	FILTER_SEG(LOAD_FULL)
	ADDQ $32, SI
	ADDQ $32, DI
	DECQ CX
	JNZ  seg

tail:
	MOVQ 64(AX), CX // outputs in the partial segment
	TESTQ CX, CX
	JZ   rowend
	FILTER_SEG(LOAD_TAIL)
	LEAQ (DI)(CX*4), DI

rowend:
	ADDQ 72(AX), R14 // next input row
	DECQ R12
	JNZ  row
	ADDQ 80(AX), R14 // next sample
	ADDQ 88(AX), DI
	DECQ R13
	JNZ  sample

	MOVQ 96(AX), SI
	VMOVUPS Y0, 0(SI)
	VMOVUPS Y1, 32(SI)
	VMOVUPS Y2, 64(SI)
	VMOVUPS Y3, 96(SI)
	VMOVUPS Y4, 128(SI)
	VMOVUPS Y5, 160(SI)
	VMOVUPS Y6, 192(SI)
	VMOVUPS Y7, 224(SI)
	VZEROUPPER
	RET
