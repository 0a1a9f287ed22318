//go:build !purego && amd64

package kernels

import "golang.org/x/sys/cpu"

// haveMax3AVX512 and haveMax3AVX2 select maxForwardVec (pool_max_vec.go)
// and its kernels, the AVX-512 ones where both are set.
var (
	haveMax3AVX512 = cpu.X86.HasAVX512F
	haveMax3AVX2   = cpu.X86.HasAVX2
)

// max3AVX512 sets dst[i] to the first maximum of a[i], b[i], c[i], i < n.
//
//go:noescape
func max3AVX512(n int, dst, a, b, c *float32)

// nonFiniteAVX512 reports whether p[:n] holds a NaN or an infinity.
//
//go:noescape
func nonFiniteAVX512(n int, p *float32) bool

// max3AVX2 is max3AVX512 for AVX2.
//
//go:noescape
func max3AVX2(n int, dst, a, b, c *float32)

// nonFiniteAVX2 is nonFiniteAVX512 for AVX2.
//
//go:noescape
func nonFiniteAVX2(n int, p *float32) bool

// max3MaskedAVX2 sets dst[i] to the first maximum of min(a[i], ma[i]),
// b[i], min(c[i], mc[i]), i < n.
//
//go:noescape
func max3MaskedAVX2(n int, dst, a, b, c, ma, mc *float32)
