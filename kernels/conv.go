package kernels

import "fmt"

// Conv2d as PyTorch's nn.Conv2d: cross-correlation with stride, zero padding,
// dilation and groups; weight layout [K][C/Groups][KH][KW]; optional bias [K].
// Each (sample, group) is one im2col + Sgemm. A 1×1 kernel with stride 1 and
// no padding skips im2col: the input plane already is the column matrix.
//
// x and y may be per-sample strided views (XStride, YStride: a channel slice
// of a larger tensor, e.g. a concat output); dx has x's stride and dy has
// y's. w, bias, dw, dbias and col are always dense.

// ConvGeom is the geometry of a 2-D convolution. Fill the inputs, then call
// Init to derive OH, OW and validate.
type ConvGeom struct {
	N, C, H, W int // input batch, channels, height, width
	K          int // output channels
	KH, KW     int // kernel size
	SH, SW     int // stride
	PH, PW     int // zero padding, each side
	DH, DW     int // dilation
	Groups     int
	OH, OW     int // output size, set by Init

	// XStride and YStride are the elements between consecutive samples of
	// x (and dx) and of y (and dy); 0 means dense (C*H*W, K*OH*OW). A
	// strided slice starts at the view's first element and needs InSpan
	// (OutSpan) elements.
	XStride, YStride int
}

// OutSize is PyTorch's floor((H + 2*PH - DH*(KH-1) - 1)/SH) + 1 (and for W).
func (g ConvGeom) OutSize() (oh, ow int) {
	oh = floorDiv(g.H+2*g.PH-g.DH*(g.KH-1)-1, g.SH) + 1
	ow = floorDiv(g.W+2*g.PW-g.DW*(g.KW-1)-1, g.SW) + 1
	return oh, ow
}

// Init validates the geometry and sets OH, OW.
func (g *ConvGeom) Init() error {
	switch {
	case g.N < 1 || g.C < 1 || g.H < 1 || g.W < 1 || g.K < 1:
		return fmt.Errorf("conv: N, C, H, W, K must be >= 1, have %d, %d, %d, %d, %d", g.N, g.C, g.H, g.W, g.K)
	case g.KH < 1 || g.KW < 1 || g.SH < 1 || g.SW < 1 || g.DH < 1 || g.DW < 1:
		return fmt.Errorf("conv: kernel %dx%d, stride %dx%d, dilation %dx%d must all be >= 1", g.KH, g.KW, g.SH, g.SW, g.DH, g.DW)
	case g.PH < 0 || g.PW < 0:
		return fmt.Errorf("conv: negative padding %dx%d", g.PH, g.PW)
	case g.Groups < 1 || g.C%g.Groups != 0 || g.K%g.Groups != 0:
		return fmt.Errorf("conv: groups %d must divide in channels %d and out channels %d", g.Groups, g.C, g.K)
	}
	g.OH, g.OW = g.OutSize()
	if g.OH < 1 || g.OW < 1 {
		return fmt.Errorf("conv: output size %dx%d is empty (input %dx%d, kernel %dx%d, padding %dx%d, dilation %dx%d)",
			g.OH, g.OW, g.H, g.W, g.KH, g.KW, g.PH, g.PW, g.DH, g.DW)
	}
	if err := checkStride("conv", "XStride", g.XStride, g.C*g.H*g.W); err != nil {
		return err
	}
	return checkStride("conv", "YStride", g.YStride, g.K*g.OH*g.OW)
}

// InLen, OutLen and WeightLen are the element counts of x, y and w.
func (g ConvGeom) InLen() int     { return g.N * g.C * g.H * g.W }
func (g ConvGeom) OutLen() int    { return g.N * g.K * g.OH * g.OW }
func (g ConvGeom) WeightLen() int { return g.K * (g.C / g.Groups) * g.KH * g.KW }

// InSpan and OutSpan are the slice lengths x (dx) and y (dy) need:
// (N-1)*stride + the per-sample size; InLen and OutLen when dense.
func (g ConvGeom) InSpan() int  { return span(g.N, g.C*g.H*g.W, g.XStride) }
func (g ConvGeom) OutSpan() int { return span(g.N, g.K*g.OH*g.OW, g.YStride) }

func (g ConvGeom) xStride() int { return orDense(g.XStride, g.C*g.H*g.W) }
func (g ConvGeom) yStride() int { return orDense(g.YStride, g.K*g.OH*g.OW) }

// ColSize is the im2col workspace (elements) the conv kernels need: one
// group of one sample, (C/Groups)*KH*KW × OH*OW; 0 for the pointwise path.
func (g ConvGeom) ColSize() int {
	if g.pointwise() {
		return 0
	}
	return (g.C / g.Groups) * g.KH * g.KW * g.OH * g.OW
}

func (g ConvGeom) pointwise() bool {
	return g.KH == 1 && g.KW == 1 && g.SH == 1 && g.SW == 1 && g.PH == 0 && g.PW == 0
}

// ConvForward computes y[N][K][OH][OW] = conv(x, w) + bias. bias may be nil.
func ConvForward(g ConvGeom, x, w, bias, y, col []float32) {
	need("conv x", x, g.InSpan())
	need("conv w", w, g.WeightLen())
	need("conv y", y, g.OutSpan())
	need("conv col", col, g.ColSize())
	if bias != nil {
		need("conv bias", bias, g.K)
	}
	cg, kg := g.C/g.Groups, g.K/g.Groups
	ckk, ohw, chw := cg*g.KH*g.KW, g.OH*g.OW, cg*g.H*g.W
	xs, ys := g.xStride(), g.yStride()
	var beta float32
	for n := 0; n < g.N; n++ {
		xn := x[n*xs:]
		yn := y[n*ys : n*ys+g.K*ohw]
		if bias != nil {
			// Prefill with the bias and let Sgemm accumulate onto it.
			for k, b := range bias[:g.K] {
				row := yn[k*ohw : (k+1)*ohw]
				for i := range row {
					row[i] = b
				}
			}
			beta = 1
		}
		for gi := 0; gi < g.Groups; gi++ {
			xg := xn[gi*chw : (gi+1)*chw]
			b := xg
			if !g.pointwise() {
				Im2col(g, cg, xg, col)
				b = col
			}
			Sgemm(false, false, kg, ohw, ckk, 1, w[gi*kg*ckk:], ckk, b, ohw, beta, yn[gi*kg*ohw:], ohw)
		}
	}
}

// ConvBackwardData computes dx = conv_transpose(dy, w): per group
// col = W_gᵀ × dy_g, then col2im. accumulate adds into dx.
func ConvBackwardData(g ConvGeom, w, dy, dx, col []float32, accumulate bool) {
	need("conv w", w, g.WeightLen())
	need("conv dy", dy, g.OutSpan())
	need("conv dx", dx, g.InSpan())
	need("conv col", col, g.ColSize())
	cg, kg := g.C/g.Groups, g.K/g.Groups
	ckk, ohw, hw := cg*g.KH*g.KW, g.OH*g.OW, g.H*g.W
	xs, ys := g.xStride(), g.yStride()
	for n := 0; n < g.N; n++ {
		dyn := dy[n*ys:]
		dxn := dx[n*xs : n*xs+g.C*hw]
		if g.pointwise() {
			var beta float32
			if accumulate {
				beta = 1
			}
			for gi := 0; gi < g.Groups; gi++ {
				Sgemm(true, false, cg, hw, kg, 1, w[gi*kg*ckk:], ckk, dyn[gi*kg*ohw:], ohw, beta, dxn[gi*cg*hw:], hw)
			}
			continue
		}
		if !accumulate {
			clear(dxn)
		}
		for gi := 0; gi < g.Groups; gi++ {
			Sgemm(true, false, ckk, ohw, kg, 1, w[gi*kg*ckk:], ckk, dyn[gi*kg*ohw:], ohw, 0, col, ohw)
			Col2im(g, cg, col, dxn[gi*cg*hw:(gi+1)*cg*hw])
		}
	}
}

// filterChunk bounds the output positions one GEMM sums over in
// ConvBackwardFilter. A weight gradient is a sum over N*OH*OW positions (100k
// for a 3x3 conv at 224x224, batch 2); summed in one float32 run, its rounding
// error grows with that length and is amplified where terms cancel. Summing
// chunks separately and adding the partial results keeps each run short.
const filterChunk = 1024

// ConvBackwardFilter computes dw = Σ_n dy_n × col_nᵀ (per group) and
// dbias = Σ dy over N, OH, OW; both overwritten. dbias may be nil.
// im2col is recomputed from x rather than kept from the forward pass.
func ConvBackwardFilter(g ConvGeom, x, dy, dw, dbias, col []float32) {
	need("conv x", x, g.InSpan())
	need("conv dy", dy, g.OutSpan())
	need("conv dw", dw, g.WeightLen())
	need("conv col", col, g.ColSize())
	if dbias != nil {
		need("conv dbias", dbias, g.K)
	}
	cg, kg := g.C/g.Groups, g.K/g.Groups
	ckk, ohw, chw := cg*g.KH*g.KW, g.OH*g.OW, cg*g.H*g.W
	xs, ys := g.xStride(), g.yStride()
	for n := 0; n < g.N; n++ {
		xn := x[n*xs:]
		dyn := dy[n*ys:]
		for gi := 0; gi < g.Groups; gi++ {
			xg := xn[gi*chw : (gi+1)*chw]
			b := xg
			if !g.pointwise() {
				Im2col(g, cg, xg, col)
				b = col
			}
			for j := 0; j < ohw; j += filterChunk {
				var beta float32
				if n > 0 || j > 0 {
					beta = 1
				}
				w := min(filterChunk, ohw-j)
				Sgemm(false, true, kg, ckk, w, 1, dyn[gi*kg*ohw+j:], ohw, b[j:], ohw, beta, dw[gi*kg*ckk:], ckk)
			}
		}
	}
	if dbias != nil {
		for k := 0; k < g.K; k++ {
			var s float64
			for n := 0; n < g.N; n++ {
				o := n*ys + k*ohw
				s += sum64(dy[o : o+ohw])
			}
			dbias[k] = float32(s)
		}
	}
}

// sum64 sums in float64 with four accumulators (for ILP): parameter
// gradients sum up to N*H*W terms, too many for a float32 running sum.
func sum64(v []float32) float64 {
	var s0, s1, s2, s3 float64
	i := 0
	for ; i+4 <= len(v); i += 4 {
		s0 += float64(v[i])
		s1 += float64(v[i+1])
		s2 += float64(v[i+2])
		s3 += float64(v[i+3])
	}
	for ; i < len(v); i++ {
		s0 += float64(v[i])
	}
	return (s0 + s1) + (s2 + s3)
}
