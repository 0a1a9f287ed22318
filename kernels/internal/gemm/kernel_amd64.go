//go:build !purego && amd64

package gemm

import "golang.org/x/sys/cpu"

//go:generate sh -c "cd asmgen && go run . -isa avx2 -pkg gemm -out ../kernel_avx2_amd64.s -decl ../kernel_avx2_decl_amd64.go"
//go:generate sh -c "cd asmgen && go run . -isa avx2 -stridedb -suffix u -pkg gemm -out ../kernel_avx2u_amd64.s -decl ../kernel_avx2u_decl_amd64.go"
//go:generate sh -c "cd asmgen && go run . -isa avx512 -pkg gemm -out ../kernel_avx512_amd64.s -decl ../kernel_avx512_decl_amd64.go"
//go:generate sh -c "cd asmgen && go run . -isa avx512 -mr 16 -suffix m16 -pkg gemm -out ../kernel_avx512m16_amd64.s -decl ../kernel_avx512m16_decl_amd64.go"
//go:generate sh -c "cd asmgen && go run . -isa avx512 -stridedb -suffix u -pkg gemm -out ../kernel_avx512u_amd64.s -decl ../kernel_avx512u_decl_amd64.go"
//go:generate sh -c "cd asmgen && go run . -isa avx512 -mr 16 -stridedb -suffix m16u -pkg gemm -out ../kernel_avx512m16u_amd64.s -decl ../kernel_avx512m16u_decl_amd64.go"
//go:generate sh -c "cd asmgen && go run . -isa pack -pkg gemm -out ../pack_amd64.s"

// AVX2+FMA: 6x16 tile (12 ymm accumulators, BLIS haswell/zen shape).
// KC=256: the 256x16 B micro-panel is 16 KiB, half of a 32 KiB L1D.
// MC=144 (multiple of 6): the 144x256 A block is 144 KiB, well inside a
// 512 KiB L2 with room for the streamed B panel and C.
// NC=4080: the 256x4080 B block is 4 MiB, a slice of the shared L3.
var avx2Kernels = &kernelSet{
	name: "avx2",
	mr:   6, nr: 16,
	kc: 256, mc: 144, nc: 4080,
	fns:      []kfunc{nil, kernAVX2_1, kernAVX2_2, kernAVX2_3, kernAVX2_4, kernAVX2_5, kernAVX2_6},
	inPlaceB: []kfunc{nil, kernAVX2u_1, kernAVX2u_2, kernAVX2u_3, kernAVX2u_4, kernAVX2u_5, kernAVX2u_6},
}

// AVX-512F: 24x16 tile (24 zmm accumulators, A by embedded broadcast).
// They come from the same generator code as the AVX2 ones and are the
// default wherever the CPU has AVX512F (AMD Zen 4, recent Intel); the tests
// run every kernel set the CPU supports (availableKernels).
// KC=256 keeps the 16 KiB B micro-panel in L1. On this Zen 4 (thread CPU
// time, BenchmarkNetShapes and BenchmarkBlockSizes) KC 128-512 ran within
// the noise of each other on the nets' shapes, so KC stays at AVX2's 256
// (it decides where partial sums round through C).
// MC=720 (multiple of 24): the A block is 720 KiB, under Zen 4's 1 MiB L2,
// and products of up to 720 rows (ResNet's 512-channel convs, 576-row
// backward-data products) are one M block, so their B panels are packed
// just before use or read in place (workCtx.macro): 512x288x4608 and
// 576x576x192 ran 3-5% faster than with MC=480, 1024^3 and 2400- or
// 4608-row products the same.
var avx512Kernels = &kernelSet{
	name: "avx512",
	mr:   24, nr: 16,
	kc: 256, mc: 720, nc: 4080,
	fns: []kfunc{nil,
		kernAVX512_1, kernAVX512_2, kernAVX512_3, kernAVX512_4, kernAVX512_5, kernAVX512_6,
		kernAVX512_7, kernAVX512_8, kernAVX512_9, kernAVX512_10, kernAVX512_11, kernAVX512_12,
		kernAVX512_13, kernAVX512_14, kernAVX512_15, kernAVX512_16, kernAVX512_17, kernAVX512_18,
		kernAVX512_19, kernAVX512_20, kernAVX512_21, kernAVX512_22, kernAVX512_23, kernAVX512_24},
	inPlaceB: []kfunc{nil,
		kernAVX512u_1, kernAVX512u_2, kernAVX512u_3, kernAVX512u_4, kernAVX512u_5, kernAVX512u_6,
		kernAVX512u_7, kernAVX512u_8, kernAVX512u_9, kernAVX512u_10, kernAVX512u_11, kernAVX512u_12,
		kernAVX512u_13, kernAVX512u_14, kernAVX512u_15, kernAVX512u_16, kernAVX512u_17, kernAVX512u_18,
		kernAVX512u_19, kernAVX512u_20, kernAVX512u_21, kernAVX512u_22, kernAVX512u_23, kernAVX512u_24},
	smallM: avx512Kernels16,
}

// AVX-512F with 16-row panels (same generator, MR=16), for 32-row products
// (DenseNet's growth-rate convs): two full 16-row panels instead of a 24-row
// one and a ragged 8-row one. Serial, thread CPU time, this machine: m=32
// with (n, k) = (1024, 1152), (2304, 576), (576, 640) ran 1.5-2.5% faster in
// each of 12 paired runs (e.g. 96.4 against 94.4 GFLOP/s).
var avx512Kernels16 = &kernelSet{
	name: "avx512-16",
	mr:   16, nr: 16,
	kc: 256, mc: 480, nc: 4080,
	fns: []kfunc{nil,
		kernAVX512m16_1, kernAVX512m16_2, kernAVX512m16_3, kernAVX512m16_4, kernAVX512m16_5, kernAVX512m16_6,
		kernAVX512m16_7, kernAVX512m16_8, kernAVX512m16_9, kernAVX512m16_10, kernAVX512m16_11, kernAVX512m16_12,
		kernAVX512m16_13, kernAVX512m16_14, kernAVX512m16_15, kernAVX512m16_16},
	inPlaceB: []kfunc{nil,
		kernAVX512m16u_1, kernAVX512m16u_2, kernAVX512m16u_3, kernAVX512m16u_4, kernAVX512m16u_5, kernAVX512m16u_6,
		kernAVX512m16u_7, kernAVX512m16u_8, kernAVX512m16u_9, kernAVX512m16u_10, kernAVX512m16u_11, kernAVX512m16u_12,
		kernAVX512m16u_13, kernAVX512m16u_14, kernAVX512m16u_15, kernAVX512m16u_16},
}

var (
	hasAVX2   = cpu.X86.HasAVX2 && cpu.X86.HasFMA
	hasAVX512 = cpu.X86.HasAVX512F
)

// defaultKernels picks the widest kernel this CPU runs.
func defaultKernels() *kernelSet {
	switch {
	case hasAVX512:
		return avx512Kernels
	case hasAVX2:
		return avx2Kernels
	}
	return genericKernels
}

// availableKernels lists every kernel set this CPU can run (for tests).
func availableKernels() []*kernelSet {
	ks := []*kernelSet{genericKernels}
	if hasAVX2 {
		ks = append(ks, avx2Kernels)
	}
	if hasAVX512 {
		ks = append(ks, avx512Kernels, avx512Kernels16)
	}
	return ks
}
