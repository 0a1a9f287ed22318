//go:build purego || !amd64

package kernels

// Without the AVX-512 GEMM kernels the cost model uses the thresholds of
// the machines without them (winoTrainMinChannels).
var chooseAVX512 = false
