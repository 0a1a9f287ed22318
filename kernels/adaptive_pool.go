package kernels

import "fmt"

// Adaptive average pooling as PyTorch's nn.AdaptiveAvgPool2d: output cell i
// averages input rows [floor(i*H/OH), ceil((i+1)*H/OH)) (likewise columns),
// so windows may overlap when H is not a multiple of OH.
//
// x and y may be per-sample strided views (XStride, YStride); dx has x's
// stride and dy has y's. Planes are split across the kernel threads (see
// poolTask).

// AdaptivePoolGeom is the geometry of an adaptive pooling to OH×OW.
type AdaptivePoolGeom struct {
	N, C, H, W int
	OH, OW     int // requested output size

	// XStride and YStride are the elements between consecutive samples of
	// x (and dx) and of y (and dy); 0 means dense (C*H*W, C*OH*OW).
	XStride, YStride int
}

// Init validates the geometry.
func (g *AdaptivePoolGeom) Init() error {
	if g.N < 1 || g.C < 1 || g.H < 1 || g.W < 1 || g.OH < 1 || g.OW < 1 {
		return fmt.Errorf("adaptive pool: N, C, H, W, OH, OW must be >= 1, have %d, %d, %d, %d, %d, %d",
			g.N, g.C, g.H, g.W, g.OH, g.OW)
	}
	if err := checkStride("adaptive pool", "XStride", g.XStride, g.C*g.H*g.W); err != nil {
		return err
	}
	return checkStride("adaptive pool", "YStride", g.YStride, g.C*g.OH*g.OW)
}

// InLen and OutLen are the element counts of x and y.
func (g AdaptivePoolGeom) InLen() int  { return g.N * g.C * g.H * g.W }
func (g AdaptivePoolGeom) OutLen() int { return g.N * g.C * g.OH * g.OW }

// InSpan and OutSpan are the slice lengths x (dx) and y (dy) need:
// (N-1)*stride + the per-sample size; InLen and OutLen when dense.
func (g AdaptivePoolGeom) InSpan() int  { return span(g.N, g.C*g.H*g.W, g.XStride) }
func (g AdaptivePoolGeom) OutSpan() int { return span(g.N, g.C*g.OH*g.OW, g.YStride) }

// xPlane and yPlane return channel c of sample n of x (or dx) and of y
// (or dy).
func (g AdaptivePoolGeom) xPlane(x []float32, n, c int) []float32 {
	o := n*orDense(g.XStride, g.C*g.H*g.W) + c*g.H*g.W
	return x[o : o+g.H*g.W]
}

func (g AdaptivePoolGeom) yPlane(y []float32, n, c int) []float32 {
	o := n*orDense(g.YStride, g.C*g.OH*g.OW) + c*g.OH*g.OW
	return y[o : o+g.OH*g.OW]
}

// adaptiveRange is PyTorch's start_index/end_index in integer arithmetic.
func adaptiveRange(i, in, out int) (start, end int) {
	return i * in / out, ((i+1)*in + out - 1) / out
}

// AdaptiveAvgPoolForward computes y = adaptive_avg_pool(x).
func AdaptiveAvgPoolForward(g AdaptivePoolGeom, x, y []float32) {
	need("adaptive pool x", x, g.InSpan())
	need("adaptive pool y", y, g.OutSpan())
	t := poolTask{op: poolAdaptiveForward, ag: g, x: x, y: y}
	t.run()
}

// AdaptiveAvgPoolBackward spreads dy/count over each window.
func AdaptiveAvgPoolBackward(g AdaptivePoolGeom, dy, dx []float32, accumulate bool) {
	need("adaptive pool dy", dy, g.OutSpan())
	need("adaptive pool dx", dx, g.InSpan())
	t := poolTask{op: poolAdaptiveBackward, ag: g, y: dy, dx: dx, acc: accumulate}
	t.run()
}

// adaptiveForwardPlane averages one plane's windows. Each window is summed
// in row-major order from 0; the global pool (1x1, the common case) is one
// run over the whole plane, in the same order.
func adaptiveForwardPlane(g *AdaptivePoolGeom, xp, yp []float32) {
	if g.OH == 1 && g.OW == 1 {
		var s float32
		for _, v := range xp {
			s += v
		}
		yp[0] = s / float32(len(xp))
		return
	}
	for oh := 0; oh < g.OH; oh++ {
		h0, h1 := adaptiveRange(oh, g.H, g.OH)
		for ow := 0; ow < g.OW; ow++ {
			w0, w1 := adaptiveRange(ow, g.W, g.OW)
			var s float32
			for ih := h0; ih < h1; ih++ {
				for _, v := range xp[ih*g.W+w0 : ih*g.W+w1] {
					s += v
				}
			}
			yp[oh*g.OW+ow] = s / float32((h1-h0)*(w1-w0))
		}
	}
}

// adaptiveBackwardPlane adds dy/count to each window's pixels, windows in
// row-major order (they overlap when H or W is not a multiple of the
// output size).
func adaptiveBackwardPlane(g *AdaptivePoolGeom, dyp, dxp []float32, acc bool) {
	if !acc {
		clear(dxp)
	}
	if g.OH == 1 && g.OW == 1 {
		d := dyp[0] / float32(len(dxp))
		for i := range dxp {
			dxp[i] += d
		}
		return
	}
	for oh := 0; oh < g.OH; oh++ {
		h0, h1 := adaptiveRange(oh, g.H, g.OH)
		for ow := 0; ow < g.OW; ow++ {
			w0, w1 := adaptiveRange(ow, g.W, g.OW)
			d := dyp[oh*g.OW+ow] / float32((h1-h0)*(w1-w0))
			for ih := h0; ih < h1; ih++ {
				row := dxp[ih*g.W+w0 : ih*g.W+w1]
				for i := range row {
					row[i] += d
				}
			}
		}
	}
}
