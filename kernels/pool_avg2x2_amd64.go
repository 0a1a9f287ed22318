//go:build !purego && amd64

package kernels

import "golang.org/x/sys/cpu"

// haveAvg2x2AVX512 selects the 2x2 average pooling kernel (pool_avg2x2.go).
var haveAvg2x2AVX512 = cpu.X86.HasAVX512F

// haveAvg2x2AVX2 selects the forward's AVX2 kernel (pool_avg2x2_avx2.go)
// where AVX-512 is missing.
var haveAvg2x2AVX2 = cpu.X86.HasAVX2

//go:noescape
func avg2x2s2AVX2(a *avg2x2AVX2Args)

//go:noescape
func avg2x2s2AVX512(a *avg2x2Args)

//go:noescape
func avg2x2s2BackAVX512(a *avg2x2Args)
