//go:build purego || !amd64

package kernels

var haveAvg2x2AVX512 = false

func avg2x2s2AVX512(a *avg2x2Args) { panic("kernels: 2x2 average pooling kernel needs AVX-512") }

func avg2x2s2BackAVX512(a *avg2x2Args) {
	panic("kernels: 2x2 average pooling backward kernel needs AVX-512")
}
