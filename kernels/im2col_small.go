package kernels

// Unfolding small feature maps (ResNet's 3x3 and 6x6 maps, GoogLeNet's and
// DenseNet's last stages) through a precomputed tap map.
//
// im2colRows handles a plane tap by tap and row by row. On a 3x3 map with
// padding each of the nine taps is a few floats, its border cases and
// calls, and unfolding took about as long as the GEMM it feeds. Here the
// (tap, output position) -> input pixel map of a whole plane is built once
// per call, and each plane is a gather through it from a copy of the plane
// with one zero after it, where the padding points.

// smallPlaneOutputs is the largest output plane (OH*OW) that takes the
// tap map; smallMapLen bounds the map (taps x outputs) and smallPlaneIn the
// input plane (H*W) so both fit on the stack.
var smallPlaneOutputs = 64

const (
	smallMapLen  = 2048
	smallPlaneIn = 511
)

// smallPlanes reports whether chunk c unfolds through a tap map: whole
// planes (not a band of rows), small enough, and not pointwise (which is a
// plain copy already).
func (g ConvGeom) smallPlanes(c chunk) bool {
	ohw := g.OH * g.OW
	return c.r0 == 0 && c.r1 == g.OH && ohw <= smallPlaneOutputs && g.KH*g.KW*ohw <= smallMapLen &&
		g.H*g.W <= smallPlaneIn && !g.pointwise()
}

// tapMap holds, for tap t = ki*KW+kj and output position p, the input pixel
// at[t*OH*OW+p] it reads, or H*W (the zero after the plane) in the padding.
type tapMap struct {
	at [smallMapLen]int32
}

func (m *tapMap) build(g ConvGeom) {
	hw, k := g.H*g.W, 0
	for ki := 0; ki < g.KH; ki++ {
		for kj := 0; kj < g.KW; kj++ {
			for oh := 0; oh < g.OH; oh++ {
				ih := oh*g.SH - g.PH + ki*g.DH
				for ow := 0; ow < g.OW; ow++ {
					iw := ow*g.SW - g.PW + kj*g.DW
					at := hw
					if ih >= 0 && ih < g.H && iw >= 0 && iw < g.W {
						at = ih*g.W + iw
					}
					m.at[k] = int32(at)
					k++
				}
			}
		}
	}
}

// The plane copies are smallPlaneIn+1 = 512 long, so indexing with i&511
// needs no bounds check and changes no index.
const smallPlaneMask = smallPlaneIn

// im2colSmall is convTask.im2col for chunks where smallPlanes holds.
func (t *convTask) im2colSmall(lo, hi int) {
	g := t.g
	kk, hw, ohw, xs := g.KH*g.KW, g.H*g.W, g.OH*g.OW, g.xStride()
	var m tapMap
	m.build(g)
	var plane [smallPlaneIn + 1]float32 // plane[hw] stays 0
	for it := lo; it < hi; it++ {
		s, ci := it/g.C, it%g.C
		o := (t.c.n0+s)*xs + ci*hw
		if t.pre != nil {
			t.pre.span(plane[:hw], t.src[o:o+hw], ci, 0)
		} else {
			copy(plane[:hw], t.src[o:o+hw])
		}
		base := ci*kk*t.ld + s*t.pcols
		for tap := 0; tap < kk; tap++ {
			d := t.dst[base+tap*t.ld:][:ohw]
			for j, i := range m.at[tap*ohw:][:len(d)] {
				d[j] = plane[i&smallPlaneMask]
			}
		}
	}
}

// col2imSmall is convTask.col2im for chunks where smallPlanes holds: the
// taps are added in the same order as col2imRows adds them (each tap
// reaches a pixel at most once), onto a copy of the plane, so the sums are
// the same bits; the padding's terms land on the slot after the plane.
func (t *convTask) col2imSmall(lo, hi int) {
	g := t.g
	kk, hw, ohw, xs := g.KH*g.KW, g.H*g.W, g.OH*g.OW, g.xStride()
	var m tapMap
	m.build(g)
	var plane [smallPlaneIn + 1]float32
	for it := lo; it < hi; it++ {
		s, ci := it/g.C, it%g.C
		o := (t.c.n0+s)*xs + ci*hw
		dxc := t.dst[o : o+hw]
		if t.acc {
			copy(plane[:hw], dxc)
		} else {
			clear(plane[:hw])
		}
		base := ci*kk*t.ld + s*t.pcols
		for tap := 0; tap < kk; tap++ {
			src := t.src[base+tap*t.ld:][:ohw]
			for j, i := range m.at[tap*ohw:][:len(src)] {
				plane[i&smallPlaneMask] += src[j]
			}
		}
		copy(dxc, plane[:hw])
	}
}
