package kernels

// ChooseConvAlgo picks the algorithm for g: a cost model from the geometry
// alone (so a plan is the same on every run), its thresholds measured on
// the 2-vCPU Zen 3 VM with BenchmarkConvAlgo and per-thread CPU time.
//
//   - One input channel per group (depthwise): the direct kernel, 1.5-4x
//     the im2col paths, whose GEMMs have a single row per group.
//   - 1x1, stride 1, no padding: pointwise, the batched GEMM minus im2col
//     (even with or ahead of ConvGEMM on GoogLeNet's 1x1 layers).
//   - 3x3, stride 1, dilation 1, one group: Winograd F(2x2,3x3) when it
//     pays (winogradPays), else the batched GEMM. 5x5 likewise, as four
//     3x3 sub-kernels, from wino5MinChannels.
//   - Unpadded, stride 1, at most 16 output channels (LeNet's 5x5 convs):
//     the direct kernel (conv_direct.go), whose forward ran 2.7x (1->6 on
//     28x28) and 1.6x (6->16 on 12x12) the batched GEMM's at batch 256
//     (AVX-512, BenchmarkConvAlgo/lenet); its backward is the GEMM's.
//   - Everything else: the batched im2col GEMM, which measured at least as
//     fast as the per-sample reference on the book's layers (1.2-1.5x on
//     large maps, 2-7x on 3x3 and 6x6 maps) and bounds its scratch.
func ChooseConvAlgo(g ConvGeom) ConvAlgo {
	switch {
	case g.C == g.Groups && g.Groups > 1:
		return ConvDepthwise
	case g.pointwise():
		return ConvPointwise
	case g.winogradOK() && g.winogradPays():
		return ConvWinograd
	case g.directOK() && g.K <= directMaxChannels:
		return ConvDirect
	}
	return ConvGEMM
}

// Winograd saves 2.25x the GEMM's multiplies but adds transforms costing
// about (C+K) per tile against the GEMM's C*K, runs 16 smaller GEMMs (16
// fork-joins per chunk), and pads the output to whole 2x2 tiles. Measured
// per training step (forward + both backward passes), best of six runs:
//   - winoMinChannels: with h = C*K/(C+K), Winograd was ahead on one core
//     from h ≈ 30 up (ResNet 128ch 12x12, h=64: 58 vs 38 GFLOP/s), but the
//     batched GEMM scales better over two threads and was ahead there up
//     to h ≈ 55 (ResNet 64ch 24x24, h=32: 70 vs 57; GoogLeNet 96->128,
//     h=55: 106 vs 84; DenseNet growth 32, h=21-28: 49-64 vs 45-61). From
//     h = 64 the two were even on two threads and Winograd ahead on one
//     (128ch 12x12: 78 vs 82 and 58 vs 38; 256ch 6x6: 82 vs 69 and 63 vs
//     40; VGG 128->256 at 56x56: 123 vs 120 and 86 vs 61).
//   - winoMinTileUse: the fraction of tile outputs inside the map; 3x3 maps
//     use 9/16 (512ch 3x3: GEMM 72 vs 64), 5x5 maps 25/36; 4x4, 6x6 and
//     larger even maps 1.
//
// directMaxChannels is the most output channels ChooseConvAlgo sends to
// the direct kernel: one 16-row GEMM tile or less is where the GEMM's
// packing and unfolding outweigh its multiplies.
const directMaxChannels = 16

const (
	winoMinChannels = 64
	winoMinTileUse  = 0.7
)

// winoMinChannelsAVX2 is winoMinChannels where the tile transforms are
// vectorised (haveWinoVec) and the GEMM is the AVX2 one, whose lower peak
// leaves Winograd's 2.25x fewer multiplies ahead from h = 32. AVX2 Zen 3,
// batch 64, GFLOP per CPU-second of Winograd against the batched GEMM
// (BenchmarkConvAlgo, forward / backward data / backward filter):
//   - ResNet 64ch 24x24 (h=32): 105/95/74 vs 79/58/67, the step's three
//     passes 25% less CPU; in `netc bench specs/resnet18.toml --layers
//     --threads 2` each of stage 1's four convs took 90 ms against 130.
//   - GoogLeNet 64->192 24x24 (h=48): 118/108/79 vs 84/75/76; 96->128
//     12x12 (h=55): 96/93/75 vs 72/62/69.
//
// AVX-512 and the Go transforms keep winoMinChannels, measured with them.
const winoMinChannelsAVX2 = 32

// winoTrainMinChannels is winogradPays's threshold on this machine: fixed
// for the process, so a plan is still the same on every run.
var winoTrainMinChannels = winoMinChannelsFor(haveWinoVec, chooseAVX512)

// winoMinChannelsFor is the threshold for vector transforms (vec) or not
// and the AVX-512 GEMM (avx512) or not.
func winoMinChannelsFor(vec, avx512 bool) int {
	if vec && !avx512 {
		return winoMinChannelsAVX2
	}
	return winoMinChannels
}

func (g ConvGeom) winogradPays() bool { return g.winogradPaysFrom(winoTrainMinChannels) }

// winogradPaysFrom is winogradPays with h = C*K/(C+K) from minH up (from
// wino5MinChannels for 5x5 kernels).
func (g ConvGeom) winogradPaysFrom(minH int) bool {
	if g.KH == 5 {
		minH = max(minH, wino5MinChannels)
	}
	tiles := 4 * divUp(g.OH, 2) * divUp(g.OW, 2)
	return g.C*g.K >= minH*(g.C+g.K) && float64(g.OH*g.OW) >= winoMinTileUse*float64(tiles)
}

// wino5MinChannels is the smallest h = C*K/(C+K) at which a 5x5 conv takes
// Winograd: four sub-kernels cut the multiplies 1.56x (3x3: 2.25x) for
// four times the input transforms. AVX2 Zen 3, batch 64, 2 threads,
// GFLOP/s of Winograd against the batched GEMM (BenchmarkConvAlgo, forward
// / backward data / backward filter, 2 runs): NiN's 96->256 at 26x26
// (h=70) 225-231/197-202/227-230 vs 174-178/157-160/166-169; GoogLeNet's
// 32->96 at 12x12 (h=24) 153/97-112/132 vs 143-147/121/144, and 24->64 at
// 6x6 (h=17) 93-95/50-59/76-79 vs 107-111/83/97-98.
const wino5MinChannels = 64

// ChooseConvAlgoForward is ChooseConvAlgo for a pass that runs the forward
// alone (an inference plan): Winograd's backward passes are what held its
// threshold at h = 64, and its forward, with the vector tile transforms,
// is ahead of the batched GEMM from lower channel counts. Like
// ChooseConvAlgo, a function of the geometry alone.
func ChooseConvAlgoForward(g ConvGeom) ConvAlgo {
	a := ChooseConvAlgo(g)
	if a != ConvGEMM || !g.winogradOK() {
		return a
	}
	if g.winogradPaysFrom(winoForwardMinChannels) ||
		g.OH*g.OW >= winoForwardMinMap && g.winogradPaysFrom(winoForwardMinChannelsLarge) {
		return ConvWinograd
	}
	return a
}

// Forward passes alone, AVX-512 Zen 4, batch 64, GFLOP per CPU-second of
// Winograd (vector tile transforms) against the batched GEMM, medians of 5
// runs on one thread:
//   - winoForwardMinChannels: ResNet 64ch 24x24 (h=32) 108 vs 88;
//     GoogLeNet 64->192 24x24 (h=48) 109 vs 88, 96->128 12x12 (h=55) 82
//     vs 76.
//   - below it, Winograd still paid on large maps (winoForwardLargeMap
//     outputs, winoForwardMinChannelsLarge): DenseNet growth 32 at 24x24,
//     64->32 (h=21) 81 vs 78, 128->32 88 vs 76, 192->32 85 vs 77; but not
//     on smaller ones: 128->32 at 12x12 48 vs 54, 160->32 at 6x6 32 vs 32.
const (
	winoForwardMinChannels      = 32
	winoForwardMinChannelsLarge = 20
	winoForwardLargeMap         = 400
)

// winoForwardMinMap is the smallest map (outputs) on which ChooseConvAlgoForward
// takes Winograd from h = winoForwardMinChannelsLarge on this machine: fixed
// for the process, so a plan is the same on every run.
var winoForwardMinMap = winoForwardMinMapFor(haveWinoVec, chooseAVX512)

// winoForwardMinMapFor is winoForwardLargeMap, or no bound where the tile
// transforms are vectorised (vec) and the GEMM is the AVX2 one (!avx512):
// its lower peak leaves Winograd's 2.25x fewer multiplies ahead on the small
// maps too. AVX2 Zen 3, batch 64, forward GFLOP per CPU-second of Winograd
// against the batched GEMM (BenchmarkConvAlgo, best of 3, -cpu 1 / -cpu 2):
// DenseNet growth 32, 128->32 at 12x12 (h=26) 60/54 vs 48/41, 160->32 at
// 6x6 (h=27) 39/41 vs 33/31.
func winoForwardMinMapFor(vec, avx512 bool) int {
	if vec && !avx512 {
		return 0
	}
	return winoForwardLargeMap
}
