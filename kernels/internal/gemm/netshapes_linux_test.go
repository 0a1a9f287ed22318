package gemm

import (
	"fmt"
	"math/rand/v2"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// netShapes are the GEMMs that take most of the GEMM time of the nets
// netc is benchmarked on (tools/bench_vs_onnxruntime.py, bench batches,
// forward and backward), traced from `netc bench`: m x n x k, op(A)
// transposed, op(B) transposed. Convs run them per thread on a gemm.Serial
// (their columns are one chunk of the batch), so one thread's speed on them
// is what counts.
var netShapes = []struct {
	m, n, k        int
	transA, transB bool
	net            string
}{
	{64, 576, 576, false, false, "resnet18 layer1 fwd"},
	{512, 288, 4608, false, false, "resnet18 layer4 fwd"},
	{256, 144, 256, false, false, "resnet18 layer3 winograd"},
	{128, 396, 128, false, false, "resnet18 layer2 winograd"},
	{64, 2304, 49, false, false, "resnet18 stem"},
	{576, 576, 64, true, false, "resnet18 layer1 bwd data"},
	{4608, 288, 512, true, false, "resnet18 layer4 bwd data"},
	{64, 576, 576, false, true, "resnet18 layer1 bwd filter"},
	{192, 576, 576, false, false, "googlenet conv2 fwd"},
	{576, 576, 192, true, false, "googlenet conv2 bwd data"},
	{32, 576, 1440, false, false, "densenet growth conv fwd"},
	{160, 576, 288, false, false, "densenet bwd"},
	{256, 676, 2400, false, false, "nin conv2 fwd"},
	{2400, 676, 256, true, false, "nin conv2 bwd data"},
	{96, 2916, 96, false, false, "nin cccp1 fwd"},
	{384, 180, 256, false, false, "nin winograd"},
	{64, 1024, 576, false, false, "1024 columns (4 KiB rows of B)"},
	{128, 1008, 1152, false, false, "resnet18 layer2 fwd"},
}

// BenchmarkNetShapes times netShapes on one thread, with each shape's
// kernel set and variations of its block sizes:
//
//	go test -run '^$' -bench NetShapes -count 6 ./kernels/internal/gemm
//
// GFLOP/s are of this thread's CPU time (see BenchmarkBlockSizes).
// NETC_GEMM_SETS, NETC_GEMM_KC and NETC_GEMM_MC (comma-separated) list the
// kernel sets (by name), KC and MC to try; the default is the set netc
// picks for the shape, with its own block sizes.
func BenchmarkNetShapes(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 1))
	for _, sh := range netShapes {
		def := defaultKernels().forRows(sh.m)
		a, bm, c := randSlice(r, sh.m*sh.k), alignedCopy(randSlice(r, sh.k*sh.n)), randSlice(r, sh.m*sh.n)
		lda, ldb := sh.k, sh.n
		if sh.transA {
			lda = sh.m
		}
		if sh.transB {
			ldb = sh.k
		}
		for _, base := range envSets("NETC_GEMM_SETS", def) {
			for _, kc := range envInts("NETC_GEMM_KC", base.kc) {
				for _, mc := range envInts("NETC_GEMM_MC", base.mc) {
					for _, inPlace := range []bool{base.inPlaceB != nil, false}[:envInts("NETC_GEMM_PACKEDB", 1)[0]] {
						ks := *base
						ks.kc, ks.mc = kc, roundUp(mc, ks.mr)
						if !inPlace {
							ks.inPlaceB = nil
						}
						name := fmt.Sprintf("%dx%dx%d/tA=%v/tB=%v/%s/kc=%d/mc=%d/inplaceB=%v", sh.m, sh.n, sh.k, sh.transA, sh.transB, ks.name, ks.kc, ks.mc, inPlace)
						b.Run(name, func(b *testing.B) {
							g := gemmArgs{ks: &ks, transA: sh.transA, transB: sh.transB, m: sh.m, n: sh.n, k: sh.k, alpha: 1,
								a: a, lda: lda, b: bm, ldb: ldb, c: c, ldc: sh.n}
							var w workCtx
							runtime.LockOSThread()
							defer runtime.UnlockOSThread()
							w.run(&g, 0, sh.m, 0, sh.n)
							start := threadCPU()
							for b.Loop() {
								w.run(&g, 0, sh.m, 0, sh.n)
							}
							b.ReportMetric(2*float64(sh.m*sh.n*sh.k)*float64(b.N)/(threadCPU()-start)/1e9, "GFLOP/s")
						})
					}
				}
			}
		}
	}
}

// envSets is the kernel sets named in the environment variable (by name,
// comma-separated), or def.
func envSets(name string, def *kernelSet) []*kernelSet {
	v := os.Getenv(name)
	if v == "" {
		return []*kernelSet{def}
	}
	var out []*kernelSet
	for _, f := range strings.Split(v, ",") {
		i := slices.IndexFunc(availableKernels(), func(ks *kernelSet) bool { return ks.name == f })
		if i < 0 {
			panic(fmt.Sprintf("%s: no kernel set %q on this CPU", name, f))
		}
		out = append(out, availableKernels()[i])
	}
	return out
}

func envInts(name string, def int) []int {
	v := os.Getenv(name)
	if v == "" {
		return []int{def}
	}
	var out []int
	for _, f := range strings.Split(v, ",") {
		n, err := strconv.Atoi(f)
		if err != nil {
			panic(fmt.Sprintf("%s: %q is not an integer", name, f))
		}
		out = append(out, n)
	}
	return out
}
