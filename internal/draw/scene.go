package draw

import "sort"

// A scene is a drawing as a list of primitives in user units (SVG pixels). The SVG and PNG
// renderers draw the same scene, so both outputs are one picture.

type pt struct{ x, y float64 }

type rect struct{ x, y, w, h float64 }

func (r rect) union(s rect) rect {
	x0, y0 := min(r.x, s.x), min(r.y, s.y)
	x1, y1 := max(r.x+r.w, s.x+s.w), max(r.y+r.h, s.y+s.h)
	return rect{x0, y0, x1 - x0, y1 - y0}
}

func (r rect) inset(d float64) rect { return rect{r.x + d, r.y + d, r.w - 2*d, r.h - 2*d} }

// Layers, drawn in this order.
const (
	zFrame = iota
	zEdge
	zBox
	zText
	zOutline
)

type primKind int

const (
	pRect primKind = iota // rounded rectangle
	pLine                 // open polyline
	pPoly                 // filled polygon (arrowheads)
	pText
)

type prim struct {
	z    int
	kind primKind

	r      rect
	radius float64
	fill   string // "" for none
	stroke string // "" for none
	sw     float64
	dash   bool

	pts []pt

	x, y   float64 // text: baseline start, or baseline centre when centred
	s      string
	font   fontID
	size   float64
	color  string
	centre bool
	width  float64 // measured advance of s
}

type scene struct {
	w, h  float64
	prims []prim
}

func (s *scene) add(p prim) { s.prims = append(s.prims, p) }

func (s *scene) rect(z int, r rect, radius float64, fill, stroke string, sw float64) {
	s.add(prim{z: z, kind: pRect, r: r, radius: radius, fill: fill, stroke: stroke, sw: sw})
}

// text adds a string with its baseline at y, starting at x (or centred on x).
func (s *scene) text(x, y float64, str string, f fontID, size float64, color string, centre bool) float64 {
	w := textWidth(f, size, str)
	s.add(prim{z: zText, kind: pText, x: x, y: y, s: str, font: f, size: size, color: color, centre: centre, width: w})
	return w
}

// edge adds a polyline, with an arrowhead at its end when arrow is set.
func (s *scene) edge(arrow bool, pts ...pt) {
	if arrow {
		n := len(pts)
		a, b := pts[n-2], pts[n-1]
		dx, dy := b.x-a.x, b.y-a.y
		l := dx*dx + dy*dy
		if l > 0 {
			// Orthogonal edges only: unit direction is one of the axes.
			ux, uy := sign(dx), sign(dy)
			base := pt{b.x - ux*arrowLen, b.y - uy*arrowLen}
			s.add(prim{z: zEdge, kind: pPoly, fill: colEdge, pts: []pt{
				b, {base.x + uy*arrowHalf, base.y - ux*arrowHalf}, {base.x - uy*arrowHalf, base.y + ux*arrowHalf},
			}})
			pts = append(append([]pt(nil), pts[:n-1]...), base)
		}
	}
	s.add(prim{z: zEdge, kind: pLine, stroke: colEdge, sw: edgeW, pts: pts})
}

func sign(x float64) float64 {
	switch {
	case x > 0:
		return 1
	case x < 0:
		return -1
	}
	return 0
}

// sorted returns the primitives in drawing order.
func (s *scene) sorted() []prim {
	out := append([]prim(nil), s.prims...)
	sort.SliceStable(out, func(i, j int) bool { return out[i].z < out[j].z })
	return out
}
