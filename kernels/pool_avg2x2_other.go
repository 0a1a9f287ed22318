//go:build purego || !amd64

package kernels

var haveAvg2x2AVX512 = false

var haveAvg2x2AVX2 = false

func avg2x2s2AVX2(a *avg2x2AVX2Args) { panic("kernels: 2x2 average pooling kernel needs AVX2") }

func avg2x2s2AVX512(a *avg2x2Args) { panic("kernels: 2x2 average pooling kernel needs AVX-512") }

func avg2x2s2BackAVX512(a *avg2x2Args) {
	panic("kernels: 2x2 average pooling backward kernel needs AVX-512")
}
