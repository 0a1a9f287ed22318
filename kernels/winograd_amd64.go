//go:build !purego && amd64

package kernels

import (
	"math"

	"golang.org/x/sys/cpu"
)

// The AVX2 tile transforms of winograd_amd64.s: the forward and backward
// data passes' input (Bᵀ d B) and output (Aᵀ M A) transforms, and the
// weight gradient's transform of dy (A e Aᵀ), 8 tiles per step, written
// straight to (read straight from) the 16 GEMM matrices.
// They compute the Go transforms' operations in the same order, so results
// are the same bits with or without them (TestWinogradVectorBitForBit).

//go:noescape
func winoInputAVX2(rows *float32, ldRows int, dst *float32, stride int, n int)

//go:noescape
func winoOutputAVX2(src *float32, stride int, n int, y0, y1 *float32, bias, floor float32)

//go:noescape
func winoGradOutAVX2(rows *float32, ldRows int, dst *float32, stride int, n int)

// haveWinoVec selects the vector transforms; tests turn it off to compare.
var haveWinoVec = cpu.X86.HasAVX2

// winoInputVec transforms the n tiles whose raw 4-row windows are band
// rows row..row+3 (tile j at columns 2j..2j+3) into dst[ξν*stride+j].
func (b *winoBand) winoInputVec(row int, dst []float32, stride, n int) {
	if n <= 0 || n > winoSeg || row < 0 || row+4 > len(b) {
		panic("kernels: winograd band out of range")
	}
	_ = dst[15*stride+n-1]
	winoInputAVX2(&b[row][0], len(b[row]), &dst[0], stride, n)
}

// winoOutputVec computes Aᵀ M A + bias for the n tiles at
// src[ξν*stride+j] into s.rows[0] and s.rows[1] (tile j at columns 2j,
// 2j+1), with ReLU when relu.
func (s *winoScratch) winoOutputVec(src []float32, stride, n int, bias float32, relu bool) {
	if n <= 0 || n > winoSeg {
		panic("kernels: winograd segment out of range")
	}
	_ = src[15*stride+n-1]
	floor := float32(math.Inf(-1))
	if relu {
		floor = 0
	}
	winoOutputAVX2(&src[0], stride, n, &s.rows[0][0], &s.rows[1][0], bias, floor)
}

// winoGradOutVec transforms the n tiles whose 2x2 output-gradient windows
// are the two rows of b (tile j at columns 2j, 2j+1) into dst[ξν*stride+j].
func (b *winoGradRows) winoGradOutVec(dst []float32, stride, n int) {
	if n <= 0 || n > winoSeg {
		panic("kernels: winograd segment out of range")
	}
	_ = dst[15*stride+n-1]
	winoGradOutAVX2(&b[0][0], len(b[0]), &dst[0], stride, n)
}
