//go:build !purego && amd64

package kernels

import "golang.org/x/sys/cpu"

// haveDirectAVX512 selects the direct conv kernel (conv_direct.go); tests
// clear it to run ConvDirect's GEMM fallback.
var haveDirectAVX512 = cpu.X86.HasAVX512F && cpu.X86.HasAVX512VL

// haveDirectAVX2 selects the AVX2 forward and weight-gradient kernels
// (conv_direct_avx2.go, conv_direct_filter_avx2.go)
// where AVX-512 is missing; tests clear it as haveDirectAVX512.
var haveDirectAVX2 = cpu.X86.HasAVX2 && cpu.X86.HasFMA

// directFilterAVX2 computes one directFilterAVX2Args tile
// (conv_direct_filter_avx2_amd64.s).
//
//go:noescape
func directFilterAVX2(a *directFilterAVX2Args)

// directConvAVX2 computes one directAVX2Args call (conv_direct_avx2_amd64.s).
//
//go:noescape
func directConvAVX2(a *directAVX2Args)

// directConvAVX512 computes one directArgs call (conv_direct_amd64.s).
//
//go:noescape
func directConvAVX512(a *directArgs)

// directConvHalfAVX512 computes one directHalfArgs call.
//
//go:noescape
func directConvHalfAVX512(a *directHalfArgs)

// directFilterAVX512 computes one directFilterArgs tile.
//
//go:noescape
func directFilterAVX512(a *directFilterArgs)

// directFilterHalfAVX512 is directFilterAVX512 for rows of at most 8.
//
//go:noescape
func directFilterHalfAVX512(a *directFilterArgs)
