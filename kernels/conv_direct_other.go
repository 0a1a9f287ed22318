//go:build purego || !amd64

package kernels

// Without the AVX-512 kernel ConvDirect's forward runs the batched GEMM.
var haveDirectAVX512 = false

var haveDirectAVX2 = false

func directConvAVX2(a *directAVX2Args) { panic("kernels: direct conv kernel needs AVX2") }

func directFilterAVX2(a *directFilterAVX2Args) { panic("kernels: direct conv kernel needs AVX2") }

func directConvAVX512(a *directArgs) { panic("kernels: direct conv kernel needs AVX-512") }

func directConvHalfAVX512(a *directHalfArgs) {
	panic("kernels: direct conv kernel needs AVX-512")
}

func directFilterAVX512(a *directFilterArgs) { panic("kernels: direct conv kernel needs AVX-512") }

func directFilterHalfAVX512(a *directFilterArgs) { panic("kernels: direct conv kernel needs AVX-512") }
