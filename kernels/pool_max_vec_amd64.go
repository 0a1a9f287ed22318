//go:build !purego && amd64

package kernels

import "golang.org/x/sys/cpu"

// haveMax3AVX512 selects maxForwardVec (pool_max_vec.go).
var haveMax3AVX512 = cpu.X86.HasAVX512F

// max3AVX512 sets dst[i] to the first maximum of a[i], b[i], c[i], i < n.
//
//go:noescape
func max3AVX512(n int, dst, a, b, c *float32)

// nonFiniteAVX512 reports whether p[:n] holds a NaN or an infinity.
//
//go:noescape
func nonFiniteAVX512(n int, p *float32) bool
