//go:build !purego && amd64

package kernels

import "golang.org/x/sys/cpu"

// chooseAVX512 tells the cost model (winoTrainMinChannels) that the GEMM
// runs its AVX-512 kernels, whose thresholds were measured apart from the
// AVX2 ones.
var chooseAVX512 = cpu.X86.HasAVX512F
