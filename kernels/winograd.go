package kernels

// Winograd F(2x2,3x3) (Lavin & Gray, arXiv 1509.09308): a 2x2 output tile
// of a 3x3 convolution from a 4x4 input tile with 16 multiplies instead of
// 36:
//
//	Y = Aᵀ [(G w Gᵀ) ⊙ (Bᵀ d B)] A
//
//	Bᵀ = | 1  0 -1  0 |   G = | 1    0    0  |   Aᵀ = | 1  1  1  0 |
//	     | 0  1  1  0 |       | 1/2  1/2  1/2|        | 0  1 -1 -1 |
//	     | 0 -1  1  0 |       | 1/2 -1/2  1/2|
//	     | 0  1  0 -1 |       | 0    0    1  |
//
// Summed over input channels, the 16 elementwise products become 16 GEMMs
// (one per tile position ξν): M[ξν][K][tiles] = U[ξν][K][C] × V[ξν][C][tiles].
// The transforms only add and halve, so the extra rounding is a few ulps of
// the tile's magnitude: measured at most 2.4e-7 of each output's scale
// (Σ|terms|) forward and backward data, 1e-6 for the weight gradient, about
// twice the GEMM's (winograd_test.go). F(4x4,3x3) would cut the multiplies 4x
// instead of 2.25x, but its transforms (entries up to 5, and 1/24) lose
// more precision (oneDNN: "in some cases significantly less accurate");
// it is not implemented.
//
// A 5x5 kernel, zero-padded to 6x6, is four 3x3 kernels at offsets (0,0),
// (0,3), (3,0) and (3,3): the 5x5 conv of C channels is the F(2x2,3x3)
// conv of 4C "virtual" input channels, channel q*C+c being plane c read at
// sub-kernel q's offset. The four sub-convs then sum inside one GEMM of
// depth 4C: 16 multiplies a 2x2 tile per virtual channel, 64 per real one
// against the direct 100 (1.56x fewer), with F(2x2,3x3)'s accuracy.
//
// This file holds the geometry and the kernel transforms, winograd_tile.go
// the tile transforms, winograd_conv.go the three passes.

// winogradOK: 3x3 or 5x5, stride 1, dilation 1, one group (any padding).
func (g ConvGeom) winogradOK() bool {
	return (g.KH == 3 && g.KW == 3 || g.KH == 5 && g.KW == 5) && g.SH == 1 && g.SW == 1 && g.DH == 1 && g.DW == 1 && g.Groups == 1
}

// winoSub is how many 3x3 sub-kernels a side of g's kernel splits into:
// 1 for 3x3, 2 for 5x5.
func (g ConvGeom) winoSub() int { return (g.KH + 1) / 3 }

// winoUMat is the distance between the 16 transformed kernels of U (or dU):
// K × C × winoSub² each.
func (g ConvGeom) winoUMat() int { return winoMat(g.K * g.C * g.winoSub() * g.winoSub()) }

// winoGeom is one Winograd convolution: out[o][i][j] = Σ_c Σ_ab
// in[c][i+offH+a][j+offW+b] u[o][c][a][b], reading zero outside the input,
// for each 3x3 sub-kernel (virtual channel). The forward pass is (x, K,
// -PH); backward data is the same with dy as input, the flipped, transposed
// kernel, and offset PH-(KH-1) (stride 1).
type winoGeom struct {
	cin, ih, iw  int // virtual input channels (planes × sub²) and plane size
	cout, oh, ow int // output planes
	offH, offW   int
	planes, sub  int // input planes per sample; 3x3 sub-kernels per side
	th, tw       int // tiles per output plane
	xs, ys       int // sample strides of input and output
}

func newWinoGeom(planes, ih, iw, cout, oh, ow, offH, offW, xs, ys, sub int) winoGeom {
	return winoGeom{cin: planes * sub * sub, ih: ih, iw: iw, cout: cout, oh: oh, ow: ow, offH: offH, offW: offW,
		planes: planes, sub: sub, th: divUp(oh, 2), tw: divUp(ow, 2), xs: xs, ys: ys}
}

func (g ConvGeom) winoForwardGeom() winoGeom {
	return newWinoGeom(g.C, g.H, g.W, g.K, g.OH, g.OW, -g.PH, -g.PW, g.xStride(), g.yStride(), g.winoSub())
}

func (g ConvGeom) winoDataGeom() winoGeom {
	return newWinoGeom(g.K, g.OH, g.OW, g.C, g.H, g.W, g.PH-(g.KH-1), g.PW-(g.KW-1), g.yStride(), g.xStride(), g.winoSub())
}

// inputPlane is virtual input channel ci's plane and the offsets its tiles
// are read at: sub-kernel q = ci / planes lies 3 rows (columns) further per
// step of its row (column) among the sub-kernels.
func (wg winoGeom) inputPlane(ci int) (p, offH, offW int) {
	q := ci / wg.planes
	return ci % wg.planes, wg.offH + 3*(q/wg.sub), wg.offW + 3*(q%wg.sub)
}

// inputRows is the range of input rows that tile rows [r0, r1) read, over
// all sub-kernels.
func (wg winoGeom) inputRows(r0, r1 int) (a, b int) {
	return max(0, 2*r0+wg.offH), min(wg.ih, 2*r1+wg.offH+2+3*(wg.sub-1))
}

// Chunking (tile columns per GEMM), measured like the batched GEMM's:
//   - winoTargetTiles: per-thread CPU time was best at 256-1024 tiles per
//     chunk, two-thread wall time at 1024 and more (VGG's 128->256 at
//     56x56: 95-115 GFLOP/s with 4 MiB chunks, 130-165 with 8-16 MiB);
//   - each GEMM (Cout × tiles × Cin) should reach winoMinGemm
//     multiply-adds: kernels/internal/gemm runs calls under 1M on one thread, and
//     each of the 16 calls per chunk is a fork-join of a few µs; so small
//     channel counts take more tiles;
//   - winoBudget: V and M of a chunk (16*(Cin+Cout) floats per tile) stay
//     under 8 MiB.
//
// Variables, like gemmTargetCols, only for the tests.
var (
	winoTargetTiles = 1024
	winoBudget      = 1 << 21
)

// winoMinGemm is twice kernels/internal/gemm's parallelMinWork (below which a GEMM
// runs on the calling thread only): ~25 µs of GEMM per fork-join.
const winoMinGemm = 1 << 21

func (wg winoGeom) split(n int) convSplit {
	target := max(winoTargetTiles, min(4*winoTargetTiles, divUp(winoMinGemm, wg.cin*wg.cout)))
	band := max(1, winoBudget/(16*(wg.cin+wg.cout)))
	return newSplit(n, wg.th, wg.tw, min(target, band), band)
}

// packedSplit is the forward's tiling when the weights come packed
// (ConvForwardPacked): chunks of winoPackedTargetTiles, whose V and M stay
// nearer the core, now that a chunk no longer repacks the 16 kernels. It
// never needs more workspace than full, the split Workspace sized.
func (wg winoGeom) packedSplit(n int, full convSplit) convSplit {
	band := max(1, winoBudget/(16*(wg.cin+wg.cout)))
	s := newSplit(n, wg.th, wg.tw, min(winoPackedTargetTiles, band), band)
	if s.maxCols > full.maxCols {
		return full
	}
	return s
}

// winoPackedTargetTiles: netc bench --infer b64, 2 threads, AVX-512, 4
// alternating rounds against 1024 tiles (load average 4-5): ResNet-18 1.04x
// img/s (0.96x CPU-seconds), DenseNet 1.29x (0.94x); 128 tiles gained
// nothing more on ResNet-18 (0.98x, 1.00x CPU).
const winoPackedTargetTiles = 256

type winoPlan struct {
	fwd, data convSplit
	work      int
}

// winoSplit sizes both tilings: the forward's (also used by backward
// filter) and backward data's, whose output is the input's H x W.
func (g ConvGeom) winoSplit() winoPlan {
	p := winoPlan{fwd: g.winoForwardGeom().split(g.N), data: g.winoDataGeom().split(g.N)}
	cols := lineCols(max(p.fwd.maxCols, p.data.maxCols))
	s2 := g.winoSub() * g.winoSub()
	p.work = 16 * (g.winoUMat() + winoMat(g.C*s2*cols) + winoMat(g.K*s2*cols))
	return p
}

// winoMat is the distance between consecutive ones of the 16 matrices
// (n elements each) of U, V, M or Z. The transforms read or write all 16
// in lockstep; n*4 bytes is often a multiple of 4 KiB, which would map the
// 16 streams onto one 8-way L1 set and make every access miss (measured:
// 70-110 ns per tile instead of under 10). Rounding n up to 4 KiB and
// adding one cache line puts each matrix on its own set.
func winoMat(n int) int { return (n+1023)&^1023 + 16 }

// winoSubKernel is the 3x3 sub-kernel (qa, qb) of the n x n kernel w
// (rotated by 180° when flip), zero past the kernel's edge: its rows
// 3qa.., columns 3qb.. .
func winoSubKernel(w []float32, n, qa, qb int, flip bool) (k [9]float32) {
	for a := range 3 {
		for b := range 3 {
			i, j := 3*qa+a, 3*qb+b
			if i >= n || j >= n {
				continue
			}
			if flip {
				i, j = n-1-i, n-1-j
			}
			k[3*a+b] = w[i*n+j]
		}
	}
	return k
}

// winoWeight writes G k Gᵀ of the 3x3 kernel k to u[ξν*us].
func winoWeight(k *[9]float32, u []float32, us int) {
	// G k: rows of the 4x3 result.
	var t [4][3]float32
	for j := 0; j < 3; j++ {
		a, b, c := k[j], k[3+j], k[6+j]
		t[0][j], t[1][j], t[2][j], t[3][j] = a, 0.5*(a+b+c), 0.5*(a-b+c), c
	}
	// (G k) Gᵀ.
	for i := 0; i < 4; i++ {
		a, b, c := t[i][0], t[i][1], t[i][2]
		u[(4*i)*us], u[(4*i+1)*us], u[(4*i+2)*us], u[(4*i+3)*us] = a, 0.5*(a+b+c), 0.5*(a-b+c), c
	}
}

// winoWeightGrad is the adjoint of winoWeight: dw = Gᵀ D G for the 4x4 D
// at d[ξν*ds].
func winoWeightGrad(d []float32, ds int, dw *[9]float32) {
	var t [3][4]float32
	for j := 0; j < 4; j++ {
		a, b, c, e := d[j*ds], d[(4+j)*ds], d[(8+j)*ds], d[(12+j)*ds]
		t[0][j], t[1][j], t[2][j] = a+0.5*(b+c), 0.5*(b-c), 0.5*(b+c)+e
	}
	for i := 0; i < 3; i++ {
		a, b, c, e := t[i][0], t[i][1], t[i][2], t[i][3]
		dw[3*i], dw[3*i+1], dw[3*i+2] = a+0.5*(b+c), 0.5*(b-c), 0.5*(b+c)+e
	}
}
