package kernels

import "fmt"

// Adaptive average pooling as PyTorch's nn.AdaptiveAvgPool2d: output cell i
// averages input rows [floor(i*H/OH), ceil((i+1)*H/OH)) (likewise columns),
// so windows may overlap when H is not a multiple of OH.

// AdaptivePoolGeom is the geometry of an adaptive pooling to OH×OW.
type AdaptivePoolGeom struct {
	N, C, H, W int
	OH, OW     int // requested output size
}

// Init validates the geometry.
func (g *AdaptivePoolGeom) Init() error {
	if g.N < 1 || g.C < 1 || g.H < 1 || g.W < 1 || g.OH < 1 || g.OW < 1 {
		return fmt.Errorf("adaptive pool: N, C, H, W, OH, OW must be >= 1, have %d, %d, %d, %d, %d, %d",
			g.N, g.C, g.H, g.W, g.OH, g.OW)
	}
	return nil
}

// InLen and OutLen are the element counts of x and y.
func (g AdaptivePoolGeom) InLen() int  { return g.N * g.C * g.H * g.W }
func (g AdaptivePoolGeom) OutLen() int { return g.N * g.C * g.OH * g.OW }

// adaptiveRange is PyTorch's start_index/end_index in integer arithmetic.
func adaptiveRange(i, in, out int) (start, end int) {
	return i * in / out, ((i+1)*in + out - 1) / out
}

// AdaptiveAvgPoolForward computes y = adaptive_avg_pool(x).
func AdaptiveAvgPoolForward(g AdaptivePoolGeom, x, y []float32) {
	need("adaptive pool x", x, g.InLen())
	need("adaptive pool y", y, g.OutLen())
	hw, ohw := g.H*g.W, g.OH*g.OW
	for p := 0; p < g.N*g.C; p++ {
		xp := x[p*hw : (p+1)*hw]
		yp := y[p*ohw : (p+1)*ohw]
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
}

// AdaptiveAvgPoolBackward spreads dy/count over each window.
func AdaptiveAvgPoolBackward(g AdaptivePoolGeom, dy, dx []float32, accumulate bool) {
	need("adaptive pool dy", dy, g.OutLen())
	need("adaptive pool dx", dx, g.InLen())
	hw, ohw := g.H*g.W, g.OH*g.OW
	for p := 0; p < g.N*g.C; p++ {
		dxp := dx[p*hw : (p+1)*hw]
		dyp := dy[p*ohw : (p+1)*ohw]
		if !accumulate {
			clear(dxp)
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
}
