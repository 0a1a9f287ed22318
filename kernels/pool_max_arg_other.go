//go:build purego || !amd64

package kernels

func argmax3s1AVX2(n int, x, y *float32, word, idx *int32, w int, taps *int32) {
	panic("kernels: max pooling argmax kernel needs AVX2")
}
