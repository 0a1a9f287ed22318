//go:build purego || !amd64

package kernels

var haveMax3AVX512, haveMax3AVX2 = false, false

func max3AVX512(n int, dst, a, b, c *float32) { panic("kernels: max pooling kernel needs AVX-512") }

func nonFiniteAVX512(n int, p *float32) bool { panic("kernels: needs AVX-512") }

func max3AVX2(n int, dst, a, b, c *float32) { panic("kernels: max pooling kernel needs AVX2") }

func nonFiniteAVX2(n int, p *float32) bool { panic("kernels: needs AVX2") }

func max3MaskedAVX2(n int, dst, a, b, c, ma, mc *float32) {
	panic("kernels: max pooling kernel needs AVX2")
}
