// Hand-written (not generated): the elementwise maximum of pool_max_vec.go.

//go:build !purego && amd64

#include "textflag.h"

// func max3AVX512(n int, dst, a, b, c *float32)
// Requires: AVX512F.
// m = a; m = b > m ? b : m; m = c > m ? c : m. VMAXPS returns its second
// source unless the first is strictly greater, so with the new value first
// and the running maximum second an equal value (+0 after -0) does not
// replace it.
TEXT ·max3AVX512(SB), NOSPLIT, $0-40
	MOVQ n+0(FP), CX
	MOVQ dst+8(FP), DI
	MOVQ a+16(FP), SI
	MOVQ b+24(FP), R8
	MOVQ c+32(FP), R9
	XORQ AX, AX
	MOVQ CX, DX
	SHRQ $4, DX
	JZ   tail

loop:
	VMOVUPS (SI)(AX*4), Z0
	VMOVUPS (R8)(AX*4), Z1
	VMAXPS  Z0, Z1, Z0
	VMOVUPS (R9)(AX*4), Z2
	VMAXPS  Z0, Z2, Z0
	VMOVUPS Z0, (DI)(AX*4)
	ADDQ    $16, AX
	DECQ    DX
	JNZ     loop

tail:
	ANDQ $15, CX
	JZ   done
	MOVL $1, DX
	SHLL CX, DX
	DECL DX
	KMOVW DX, K1
	VMOVUPS.Z (SI)(AX*4), K1, Z0
	VMOVUPS.Z (R8)(AX*4), K1, Z1
	VMAXPS  Z0, Z1, Z0
	VMOVUPS.Z (R9)(AX*4), K1, Z2
	VMAXPS  Z0, Z2, Z0
	VMOVUPS Z0, K1, (DI)(AX*4)

done:
	VZEROUPPER
	RET

// func nonFiniteAVX512(n int, p *float32) bool
// Requires: AVX512F.
// Whether any of p[:n] has an all-ones exponent (NaN or infinity).
TEXT ·nonFiniteAVX512(SB), NOSPLIT, $0-17
	MOVQ n+0(FP), CX
	MOVQ p+8(FP), SI
	MOVL $0x7f800000, AX
	VPBROADCASTD AX, Z1
	KXORW K3, K3, K3
	MOVQ CX, DX
	SHRQ $4, DX
	JZ   nftail

nfloop:
	VPANDD  (SI), Z1, Z0
	VPCMPEQD Z1, Z0, K2
	KORW    K2, K3, K3
	ADDQ    $64, SI
	DECQ    DX
	JNZ     nfloop

nftail:
	ANDQ $15, CX
	JZ   nfdone
	MOVL $1, DX
	SHLL CX, DX
	DECL DX
	KMOVW DX, K1
	VMOVUPS.Z (SI), K1, Z0
	VPANDD  Z0, Z1, Z0
	VPCMPEQD Z1, Z0, K1, K2
	KORW    K2, K3, K3

nfdone:
	KORTESTW K3, K3
	SETNE ret+16(FP)
	VZEROUPPER
	RET
