//go:build !purego

#include "textflag.h"

// AVX2 Winograd F(2x2,3x3) tile transforms, 8 tiles per step. Each
// computes the Go transforms' (winograd_tile.go) operations in the same
// order, so the results are the same bits; see winograd_amd64.go.

// winoMask<>+4*(8-r) loads a mask whose first r lanes are set.
DATA winoMask<>+0(SB)/4, $0xffffffff
DATA winoMask<>+4(SB)/4, $0xffffffff
DATA winoMask<>+8(SB)/4, $0xffffffff
DATA winoMask<>+12(SB)/4, $0xffffffff
DATA winoMask<>+16(SB)/4, $0xffffffff
DATA winoMask<>+20(SB)/4, $0xffffffff
DATA winoMask<>+24(SB)/4, $0xffffffff
DATA winoMask<>+28(SB)/4, $0xffffffff
DATA winoMask<>+32(SB)/4, $0
DATA winoMask<>+36(SB)/4, $0
DATA winoMask<>+40(SB)/4, $0
DATA winoMask<>+44(SB)/4, $0
DATA winoMask<>+48(SB)/4, $0
DATA winoMask<>+52(SB)/4, $0
DATA winoMask<>+56(SB)/4, $0
DATA winoMask<>+60(SB)/4, $0
GLOBL winoMask<>(SB), RODATA|NOPTR, $64

// ---- input: V = Bᵀ d B ----

// BT_ROW computes 8 columns (at byte offset OFF of the block) of one row of
// Bᵀ d into Y: raw row A combined with raw row B by OP (Y = A OP B).
#define BT_ROW(A, B, OP, OFF, Y) \
	VMOVUPS OFF(A)(AX*1), Y; \
	OP      OFF(B)(AX*1), Y, Y

// DEINT splits the 16 floats P:Q into their even (E) and odd (O) elements,
// in order.
#define DEINT(P, Q, E, O) \
	VSHUFPS $0x88, Q, P, E; \
	VPERMPD $0xD8, E, E; \
	VSHUFPS $0xDD, Q, P, O; \
	VPERMPD $0xD8, O, O

// IN_ROW leaves in Y8..Y11 the 4 transformed values (matrices 4t..4t+3) of
// the block's 8 tiles for row t of Bᵀ d = A OP B: with a, b, x, d the
// tile's four columns, a-x, b+x, x-b, b-d.
#define IN_ROW(A, B, OP) \
	BT_ROW(A, B, OP, 0, Y0); \
	BT_ROW(A, B, OP, 32, Y1); \
	BT_ROW(A, B, OP, 8, Y2); \
	BT_ROW(A, B, OP, 40, Y3); \
	DEINT(Y0, Y1, Y4, Y5); \
	DEINT(Y2, Y3, Y6, Y7); \
	VSUBPS Y6, Y4, Y8; \
	VADDPS Y6, Y5, Y9; \
	VSUBPS Y5, Y6, Y10; \
	VSUBPS Y7, Y5, Y11

#define IN_STORE_FULL \
	VMOVUPS Y8, (R11); \
	VMOVUPS Y9, (R11)(BX*1); \
	VMOVUPS Y10, (R11)(BX*2); \
	VMOVUPS Y11, (R11)(CX*1)

#define IN_STORE_MASKED \
	VMASKMOVPS Y8, Y15, (R11); \
	VMASKMOVPS Y9, Y15, (R11)(BX*1); \
	VMASKMOVPS Y10, Y15, (R11)(BX*2); \
	VMASKMOVPS Y11, Y15, (R11)(CX*1)

// IN_BLOCK transforms the 8 tiles at AX (raw rows) into DI (matrix 0).
#define IN_BLOCK(STORE) \
	MOVQ DI, R11; \
	IN_ROW(SI, R9, VSUBPS); \
	STORE; \
	ADDQ DX, R11; \
	IN_ROW(R8, R9, VADDPS); \
	STORE; \
	ADDQ DX, R11; \
	IN_ROW(R9, R8, VSUBPS); \
	STORE; \
	ADDQ DX, R11; \
	IN_ROW(R8, R10, VSUBPS); \
	STORE

// func winoInputAVX2(rows *float32, ldRows int, dst *float32, stride int, n int)
//
// rows holds 4 raw input rows ldRows floats apart; tile j reads columns
// 2j..2j+3 of each, and every row must be readable up to column
// 2*(n rounded up to 8)+1. Tile j's 16 values go to dst[ξν*stride+j].
TEXT ·winoInputAVX2(SB), NOSPLIT, $0-40
	MOVQ rows+0(FP), SI
	MOVQ ldRows+8(FP), R8
	SHLQ $2, R8
	LEAQ (SI)(R8*1), R9
	LEAQ (R9)(R8*1), R10
	LEAQ (R10)(R8*1), R11
	MOVQ R9, R8  // row 1
	MOVQ R10, R9 // row 2
	MOVQ R11, R10 // row 3
	MOVQ dst+16(FP), DI
	MOVQ stride+24(FP), BX
	SHLQ $2, BX            // one matrix, in bytes
	LEAQ (BX)(BX*2), CX    // three
	LEAQ (BX*4), DX        // four
	MOVQ n+32(FP), R12
	XORQ AX, AX            // byte offset of the block in the rows
	MOVQ R12, R13
	SHRQ $3, R13
	JZ   intail

inloop:
	IN_BLOCK(IN_STORE_FULL)
	ADDQ $64, AX
	ADDQ $32, DI
	DECQ R13
	JNZ  inloop

intail:
	ANDQ $7, R12
	JZ   indone
	LEAQ winoMask<>(SB), R13
	MOVQ $8, R11
	SUBQ R12, R11
	VMOVUPS (R13)(R11*4), Y15
	IN_BLOCK(IN_STORE_MASKED)

indone:
	VZEROUPPER
	RET

// ---- output: Aᵀ M A ----

// Full blocks read their operands straight from memory; the last, partial
// one loads each through the mask Y15 first (into Y12), so that it reads
// nothing past the matrices.
#define LD_FULL(M, Y) VMOVUPS M, Y
#define OP_FULL(OP, M, Y) OP M, Y, Y
#define LD_MASKED(M, Y) VMASKMOVPS M, Y15, Y
#define OP_MASKED(OP, M, Y) \
	VMASKMOVPS M, Y15, Y12; \
	OP         Y12, Y, Y

// OUT_COL computes, for column k of the tiles' 4x4 M, s = m0k+m1k+m2k (into
// S) and d = m1k-m2k-m3k (into D); R11 points at matrix k, row r's matrix
// is 4r further (DX bytes each).
#define OUT_COL(LD, OP, S, D) \
	LD(  (R11), S); \
	OP(VADDPS, (R11)(DX*1), S); \
	OP(VADDPS, (R11)(DX*2), S); \
	LD(  (R11)(DX*1), D); \
	OP(VSUBPS, (R11)(DX*2), D); \
	OP(VSUBPS, (R11)(CX*1), D)

// OUT_PAIR interleaves even E and odd O outputs into 16 floats at M.
#define OUT_PAIR(E, O, B) \
	VUNPCKLPS O, E, Y12; \
	VUNPCKHPS O, E, Y13; \
	VPERM2F128 $0x20, Y13, Y12, Y14; \
	VMOVUPS Y14, (B)(AX*1); \
	VPERM2F128 $0x31, Y13, Y12, Y14; \
	VMOVUPS Y14, 32(B)(AX*1)

// OUT_FINISH adds the bias (at R9, floor after it) to the four output vectors and takes max(floor,
// .) with the value as the second operand: a NaN stays NaN and -0 stays -0,
// as with the Go v < 0 test (floor 0), and floor -Inf changes nothing.
#define OUT_FINISH \
	VBROADCASTSS (R9), Y0; \
	VBROADCASTSS 4(R9), Y1; \
	VADDPS Y0, Y8, Y8; \
	VADDPS Y0, Y9, Y9; \
	VADDPS Y0, Y10, Y10; \
	VADDPS Y0, Y11, Y11; \
	VMAXPS Y8, Y1, Y8; \
	VMAXPS Y9, Y1, Y9; \
	VMAXPS Y10, Y1, Y10; \
	VMAXPS Y11, Y1, Y11

#define OUT_BLOCK(LD, OP) \
	MOVQ SI, R11; \
	OUT_COL(LD, OP, Y0, Y4); \
	ADDQ BX, R11; \
	OUT_COL(LD, OP, Y1, Y5); \
	ADDQ BX, R11; \
	OUT_COL(LD, OP, Y2, Y6); \
	ADDQ BX, R11; \
	OUT_COL(LD, OP, Y3, Y7); \
	VADDPS Y1, Y0, Y8; \
	VADDPS Y2, Y8, Y8; \
	VSUBPS Y2, Y1, Y9; \
	VSUBPS Y3, Y9, Y9; \
	VADDPS Y5, Y4, Y10; \
	VADDPS Y6, Y10, Y10; \
	VSUBPS Y6, Y5, Y11; \
	VSUBPS Y7, Y11, Y11; \
	OUT_FINISH; \
	OUT_PAIR(Y8, Y9, DI); \
	OUT_PAIR(Y10, Y11, R8)

// func winoOutputAVX2(src *float32, stride int, n int, y0, y1 *float32, bias, floor float32)
//
// Tile j's 16 values are src[ξν*stride+j]; its two output rows, plus bias
// and then max(floor, .), go to y0[2j], y0[2j+1] and y1[2j], y1[2j+1],
// each written up to column 2*(n rounded up to 8)-1.
TEXT ·winoOutputAVX2(SB), NOSPLIT, $0-48
	MOVQ src+0(FP), SI
	MOVQ stride+8(FP), BX
	SHLQ $2, BX           // one matrix, in bytes
	LEAQ (BX*4), DX       // four
	LEAQ (DX)(DX*2), CX   // twelve
	MOVQ n+16(FP), R12
	MOVQ y0+24(FP), DI
	MOVQ y1+32(FP), R8
	LEAQ bias+40(FP), R9
	XORQ AX, AX           // byte offset of the block in the output rows
	MOVQ R12, R13
	SHRQ $3, R13
	JZ   outtail

outloop:
	OUT_BLOCK(LD_FULL, OP_FULL)
	ADDQ $64, AX
	ADDQ $32, SI
	DECQ R13
	JNZ  outloop

outtail:
	ANDQ $7, R12
	JZ   outdone
	LEAQ winoMask<>(SB), R13
	MOVQ $8, R11
	SUBQ R12, R11
	VMOVUPS (R13)(R11*4), Y15
	OUT_BLOCK(LD_MASKED, OP_MASKED)

outdone:
	VZEROUPPER
	RET

// ---- weight gradient's output-gradient transform: Z = A e Aᵀ ----

// GO_ROW stores the 4 transformed values of one row (p, q) of A e for the
// block's 8 tiles at R11 (matrices 4t..4t+3): p, p+q, p-q, -q, with -q by
// the sign bit (Y14), as Go negates.
#define GO_ROW(P, Q, ST) \
	VADDPS Q, P, Y9; \
	VSUBPS Q, P, Y10; \
	VXORPS Y14, Q, Y11; \
	ST(P, (R11)); \
	ST(Y9, (R11)(BX*1)); \
	ST(Y10, (R11)(BX*2)); \
	ST(Y11, (R11)(CX*1)); \
	ADDQ DX, R11

#define ST_FULL(Y, M) VMOVUPS Y, M
#define ST_MASKED(Y, M) VMASKMOVPS Y, Y15, M

// GO_BLOCK transforms the 8 tiles at AX (their two gradient rows) into DI
// (matrix 0): with a, b the tile's top row and x, d its bottom row, the
// rows of A e are (a, b), (a+x, b+d), (a-x, b-d), (-x, -d).
#define GO_BLOCK(ST) \
	VMOVUPS (SI)(AX*1), Y0; \
	VMOVUPS 32(SI)(AX*1), Y1; \
	DEINT(Y0, Y1, Y2, Y3); \
	VMOVUPS (R8)(AX*1), Y0; \
	VMOVUPS 32(R8)(AX*1), Y1; \
	DEINT(Y0, Y1, Y4, Y5); \
	MOVQ DI, R11; \
	GO_ROW(Y2, Y3, ST); \
	VADDPS Y4, Y2, Y6; \
	VADDPS Y5, Y3, Y7; \
	GO_ROW(Y6, Y7, ST); \
	VSUBPS Y4, Y2, Y6; \
	VSUBPS Y5, Y3, Y7; \
	GO_ROW(Y6, Y7, ST); \
	VXORPS Y14, Y4, Y6; \
	VXORPS Y14, Y5, Y7; \
	GO_ROW(Y6, Y7, ST)

// func winoGradOutAVX2(rows *float32, ldRows int, dst *float32, stride int, n int)
//
// rows holds the 2 rows of the tiles' 2x2 output-gradient windows,
// ldRows floats apart; tile j reads columns 2j, 2j+1 of each, and every
// row must be readable up to column 2*(n rounded up to 8)-1. Tile j's 16
// values go to dst[ξν*stride+j].
TEXT ·winoGradOutAVX2(SB), NOSPLIT, $0-40
	MOVQ rows+0(FP), SI
	MOVQ ldRows+8(FP), R8
	LEAQ (SI)(R8*4), R8    // row 1
	MOVQ dst+16(FP), DI
	MOVQ stride+24(FP), BX
	SHLQ $2, BX            // one matrix, in bytes
	LEAQ (BX)(BX*2), CX    // three
	LEAQ (BX*4), DX        // four
	MOVQ n+32(FP), R12
	MOVL $0x80000000, R13
	MOVQ R13, X14
	VPBROADCASTD X14, Y14  // the sign bit
	XORQ AX, AX            // byte offset of the block in the rows
	MOVQ R12, R13
	SHRQ $3, R13
	JZ   gotail

goloop:
	GO_BLOCK(ST_FULL)
	ADDQ $64, AX
	ADDQ $32, DI
	DECQ R13
	JNZ  goloop

gotail:
	ANDQ $7, R12
	JZ   godone
	LEAQ winoMask<>(SB), R13
	MOVQ $8, R11
	SUBQ R12, R11
	VMOVUPS (R13)(R11*4), Y15
	GO_BLOCK(ST_MASKED)

godone:
	VZEROUPPER
	RET
