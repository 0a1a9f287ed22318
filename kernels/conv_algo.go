package kernels

import "fmt"

// Convolution algorithms, chosen per layer at plan time.
//
// ConvForward, ConvBackwardData and ConvBackwardFilter (conv.go) are the
// reference: one im2col + GEMM per (sample, group). The algorithms here
// compute the same function faster; the *Algo entry points take the
// algorithm and a workspace of at least the size Workspace reports:
//
//	algo := ChooseConvAlgo(g)
//	fwd, bwd := g.Workspace(algo)
//	ConvForwardAlgo(g, algo, x, w, bias, y, ws[:fwd], relu)
//
// Every algorithm supports what ConvGeom does within its eligibility
// (Supports): strided sample views for x/dx and y/dy, bias, accumulate.
// None allocates once the per-thread slots have grown (a weight gradient
// computed while another goroutine's conv holds them allocates its one
// extra partial). Results are bitwise reproducible for a thread count:
// parallel work writes disjoint outputs and the GEMM is deterministic for
// any thread count, so outputs and input gradients are the same for every
// thread count; a weight gradient summed in per-thread partials
// (filterTask) follows the thread count, never timing. The workspace's
// contents on entry are ignored (NaN is fine) and garbage on return.
// Concurrent calls are safe; one that finds the parallel loops busy runs
// its own on the calling goroutine.
//
// The algorithms call kernels/internal/gemm directly (the forward needs its bias and
// ReLU epilogue), not the Sgemm variable, which the reference path keeps.

// ConvAlgo names a convolution algorithm.
type ConvAlgo int

const (
	// ConvIm2col is the reference path (conv.go): im2col + GEMM per
	// (sample, group). Always supported; workspace ColSize.
	ConvIm2col ConvAlgo = iota
	// ConvGEMM batches im2col: the columns of several samples (or of a
	// band of output rows of one large sample) form one wide matrix, so
	// every GEMM is big enough to run at full speed (conv_gemm.go).
	ConvGEMM
	// ConvPointwise is a 1x1, stride-1, unpadded conv: a GEMM over the
	// channel dimension reading x directly, batched over samples
	// (pointwise.go).
	ConvPointwise
	// ConvWinograd is Winograd F(2x2,3x3) for 3x3, stride-1, dilation-1,
	// one-group convs (winograd*.go).
	ConvWinograd
	// ConvDepthwise is a direct kernel for one input channel per group
	// (MobileNet's depthwise convs), parallel over channel planes
	// (depthwise.go).
	ConvDepthwise
	// ConvDirect is direct forward and weight-gradient kernels for small
	// unpadded stride-1 convs (LeNet's), backward data by ConvGEMM
	// (conv_direct.go, conv_direct_filter.go).
	ConvDirect
	numConvAlgos
)

var convAlgoNames = [numConvAlgos]string{"im2col", "gemm", "pointwise", "winograd", "depthwise", "direct"}

func (a ConvAlgo) String() string {
	if a >= 0 && a < numConvAlgos {
		return convAlgoNames[a]
	}
	return fmt.Sprintf("ConvAlgo(%d)", int(a))
}

// ParseConvAlgo is the inverse of String (plans store the name).
func ParseConvAlgo(s string) (ConvAlgo, error) {
	for i, n := range convAlgoNames {
		if n == s {
			return ConvAlgo(i), nil
		}
	}
	return 0, fmt.Errorf("conv: unknown algorithm %q", s)
}

// Supports reports whether algo can compute convolutions of geometry g.
func (g ConvGeom) Supports(algo ConvAlgo) bool {
	switch algo {
	case ConvIm2col, ConvGEMM:
		return true
	case ConvPointwise:
		return g.pointwise()
	case ConvWinograd:
		return g.winogradOK()
	case ConvDepthwise:
		return g.C == g.Groups
	case ConvDirect:
		return g.directOK()
	}
	return false
}

// Workspace returns the float32 scratch elements the forward pass and the
// backward passes (data and filter run one after the other and share it)
// need with algo: thread 0's. The chunking behind it depends on the
// geometry only, not on Threads(); the other threads' chunk workspaces and
// weight-gradient partials live in the package's per-thread slots
// (convSlots), grown on first use.
func (g ConvGeom) Workspace(algo ConvAlgo) (forward, backward int) {
	switch algo {
	case ConvIm2col:
		return g.ColSize(), g.ColSize()
	case ConvGEMM:
		w := g.gemmSplit(false).workspace(g)
		if t, ok := g.dataAsConv(); ok {
			return w, max(w, dataAsConvWorkspace(t))
		}
		return w, w
	case ConvPointwise:
		w := g.gemmSplit(true).workspace(g)
		return w, w
	case ConvWinograd:
		w := g.winoSplit().work
		return w, w
	case ConvDepthwise:
		return 0, 0
	case ConvDirect:
		fwd, bwd := g.Workspace(ConvGEMM)
		return max(fwd, g.directWorkspace()), bwd
	}
	panic(fmt.Sprintf("kernels: conv: unknown algorithm %d", int(algo)))
}

// checkForward panics unless algo computes g and x, bias (when set), y and
// the workspace ws have the lengths a forward pass reads and writes.
func (g ConvGeom) checkForward(algo ConvAlgo, x, bias, y, ws []float32) {
	g.checkAlgo(algo)
	need("conv x", x, g.InSpan())
	need("conv y", y, g.OutSpan())
	if bias != nil {
		need("conv bias", bias, g.K)
	}
	fwd, _ := g.Workspace(algo)
	need("conv workspace", ws, fwd)
}

// ConvForwardAlgo computes y = conv(x, w) + bias with algo, and y =
// max(y, 0) when relu (fused where the algorithm writes y). bias may be
// nil; ws needs Workspace's forward elements.
func ConvForwardAlgo(g ConvGeom, algo ConvAlgo, x, w, bias, y, ws []float32, relu bool) {
	g.checkForward(algo, x, bias, y, ws)
	need("conv w", w, g.WeightLen())
	switch algo {
	case ConvIm2col:
		ConvForward(g, x, w, bias, y, ws)
		if relu {
			reluOutput(g, y)
		}
	case ConvGEMM:
		gemmForward(g, g.gemmSplit(false), x, w, bias, y, ws, relu)
	case ConvPointwise:
		gemmForward(g, g.inPlaceSplit(), x, w, bias, y, ws, relu)
	case ConvWinograd:
		winoForward(g, x, w, bias, y, ws, relu)
	case ConvDepthwise:
		depthwiseForward(g, x, w, bias, y, relu)
	case ConvDirect:
		directForward(g, x, w, bias, y, ws, relu)
	}
}

// ConvBackwardDataAlgo computes dx = conv_transpose(dy, w) with algo;
// accumulate adds into dx. ws needs Workspace's backward elements.
func ConvBackwardDataAlgo(g ConvGeom, algo ConvAlgo, w, dy, dx, ws []float32, accumulate bool) {
	g.checkAlgo(algo)
	need("conv w", w, g.WeightLen())
	need("conv dy", dy, g.OutSpan())
	need("conv dx", dx, g.InSpan())
	_, bwd := g.Workspace(algo)
	need("conv workspace", ws, bwd)
	switch algo {
	case ConvIm2col:
		ConvBackwardData(g, w, dy, dx, ws, accumulate)
	case ConvGEMM, ConvDirect:
		gemmBackwardData(g, g.gemmSplit(false), w, dy, dx, ws, accumulate)
	case ConvPointwise:
		gemmBackwardData(g, g.inPlaceSplit(), w, dy, dx, ws, accumulate)
	case ConvWinograd:
		winoBackwardData(g, w, dy, dx, ws, accumulate)
	case ConvDepthwise:
		depthwiseBackwardData(g, w, dy, dx, accumulate)
	}
}

// ConvBackwardFilterAlgo computes dw and dbias (both overwritten; dbias may
// be nil) with algo. ws needs Workspace's backward elements.
func ConvBackwardFilterAlgo(g ConvGeom, algo ConvAlgo, x, dy, dw, dbias, ws []float32) {
	g.checkAlgo(algo)
	need("conv x", x, g.InSpan())
	need("conv dy", dy, g.OutSpan())
	need("conv dw", dw, g.WeightLen())
	if dbias != nil {
		need("conv dbias", dbias, g.K)
	}
	_, bwd := g.Workspace(algo)
	need("conv workspace", ws, bwd)
	switch algo {
	case ConvIm2col:
		ConvBackwardFilter(g, x, dy, dw, dbias, ws)
		return
	case ConvGEMM:
		gemmBackwardFilter(g, g.gemmSplit(false), x, dy, dw, ws)
	case ConvDirect:
		directBackwardFilter(g, x, dy, dw, ws)
	case ConvPointwise:
		gemmBackwardFilter(g, g.gemmSplit(true), x, dy, dw, ws)
	case ConvWinograd:
		winoBackwardFilter(g, x, dy, dw, ws)
	case ConvDepthwise:
		depthwiseBackwardFilter(g, x, dy, dw)
	}
	if dbias != nil {
		biasGrad(g, dy, dbias)
	}
}

func (g ConvGeom) checkAlgo(algo ConvAlgo) {
	if !g.Supports(algo) {
		panic(fmt.Sprintf("kernels: conv algorithm %v does not support %dx%d kernel, stride %dx%d, padding %dx%d, dilation %dx%d, groups %d (C %d, K %d)",
			algo, g.KH, g.KW, g.SH, g.SW, g.PH, g.PW, g.DH, g.DW, g.Groups, g.C, g.K))
	}
}

// reluOutput applies max(y, 0) in place to every output sample (NaN kept).
func reluOutput(g ConvGeom, y []float32) {
	ys, per := g.yStride(), g.K*g.OH*g.OW
	for n := 0; n < g.N; n++ {
		for i, v := range y[n*ys : n*ys+per] {
			if v < 0 {
				y[n*ys+i] = 0
			}
		}
	}
}
