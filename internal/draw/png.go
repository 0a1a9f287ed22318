package draw

import (
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"io"
	"math"
	"strconv"

	"golang.org/x/image/font"
	"golang.org/x/image/math/fixed"
	"golang.org/x/image/vector"
)

// The PNG renderer rasterises the same scene as the SVG one, in Go: shapes are filled
// polygons (rounded corners and strokes turned into polygons first) drawn with the
// anti-aliasing rasterizer of golang.org/x/image/vector, and text is drawn with the
// embedded Go fonts at the scaled size.

// MaxPixels bounds a PNG (width times height), so that a huge network fails with a
// message instead of exhausting memory.
const MaxPixels = 64_000_000

type raster struct {
	img   *image.RGBA
	scale float64
	z     *vector.Rasterizer
}

func writePNG(w io.Writer, sc *scene, scale float64) error {
	W, H := int(math.Ceil(sc.w*scale)), int(math.Ceil(sc.h*scale))
	if float64(W)*float64(H) > MaxPixels {
		return &SizeError{W, H}
	}
	img := image.NewRGBA(image.Rect(0, 0, W, H))
	draw.Draw(img, img.Bounds(), image.White, image.Point{}, draw.Src)
	r := &raster{img: img, scale: scale, z: vector.NewRasterizer(1, 1)}
	for _, p := range sc.sorted() {
		switch p.kind {
		case pRect:
			outline := r.roundRect(p.r, p.radius)
			if p.fill != "" {
				r.fill(hex(p.fill), outline)
			}
			if p.stroke != "" {
				if p.dash {
					r.dashed(hex(p.stroke), append(outline, outline[0]), p.sw*scale)
				} else {
					outer := r.roundRect(p.r.inset(-p.sw/2), p.radius+p.sw/2)
					inner := r.roundRect(p.r.inset(p.sw/2), max(0, p.radius-p.sw/2))
					reverse(inner)
					r.fill(hex(p.stroke), outer, inner)
				}
			}
		case pLine:
			r.polyline(hex(p.stroke), r.scaled(p.pts), p.sw*scale)
		case pPoly:
			r.fill(hex(p.fill), r.scaled(p.pts))
		case pText:
			r.text(p)
		}
	}
	return png.Encode(w, img)
}

// SizeError reports a drawing too large for a PNG.
type SizeError struct{ W, H int }

func (e *SizeError) Error() string {
	return "the drawing would be " + strconv.Itoa(e.W) + "x" + strconv.Itoa(e.H) +
		" pixels, more than a PNG should be; draw it at a smaller --depth or as SVG"
}

func (r *raster) scaled(pts []pt) []pt {
	out := make([]pt, len(pts))
	for i, q := range pts {
		out[i] = pt{q.x * r.scale, q.y * r.scale}
	}
	return out
}

// roundRect returns the outline of a rounded rectangle in pixels, clockwise on screen.
func (r *raster) roundRect(b rect, radius float64) []pt {
	s := r.scale
	x0, y0, x1, y1 := b.x*s, b.y*s, (b.x+b.w)*s, (b.y+b.h)*s
	rad := min(radius*s, (x1-x0)/2, (y1-y0)/2)
	if rad <= 0.01 {
		return []pt{{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}}
	}
	n := max(3, int(rad/1.5))
	var out []pt
	corner := func(cx, cy, from float64) {
		for i := 0; i <= n; i++ {
			a := from + float64(i)/float64(n)*math.Pi/2
			out = append(out, pt{cx + rad*math.Cos(a), cy + rad*math.Sin(a)})
		}
	}
	corner(x1-rad, y0+rad, -math.Pi/2)
	corner(x1-rad, y1-rad, 0)
	corner(x0+rad, y1-rad, math.Pi/2)
	corner(x0+rad, y0+rad, math.Pi)
	return out
}

func reverse(p []pt) {
	for i, j := 0, len(p)-1; i < j; i, j = i+1, j-1 {
		p[i], p[j] = p[j], p[i]
	}
}

// fill fills polygons (in pixels) with c. Polygons of opposite orientation cut holes.
func (r *raster) fill(c color.RGBA, polys ...[]pt) {
	x0, y0, x1, y1 := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	for _, p := range polys {
		for _, q := range p {
			x0, y0, x1, y1 = min(x0, q.x), min(y0, q.y), max(x1, q.x), max(y1, q.y)
		}
	}
	b := image.Rect(int(math.Floor(x0)), int(math.Floor(y0)), int(math.Ceil(x1)), int(math.Ceil(y1))).Intersect(r.img.Bounds())
	if b.Empty() {
		return
	}
	r.z.Reset(b.Dx(), b.Dy())
	ox, oy := float64(b.Min.X), float64(b.Min.Y)
	for _, p := range polys {
		if len(p) < 3 {
			continue
		}
		r.z.MoveTo(float32(p[0].x-ox), float32(p[0].y-oy))
		for _, q := range p[1:] {
			r.z.LineTo(float32(q.x-ox), float32(q.y-oy))
		}
		r.z.ClosePath()
	}
	r.z.DrawOp = draw.Over
	r.z.Draw(r.img, b, image.NewUniform(c), image.Point{})
}

// polyline strokes an open polyline of width w (pixels) with square ends, so that the
// segments of an orthogonal path join without notches.
func (r *raster) polyline(c color.RGBA, pts []pt, w float64) {
	var quads [][]pt
	for i := 0; i+1 < len(pts); i++ {
		if q := segment(pts[i], pts[i+1], w, true); q != nil {
			quads = append(quads, q)
		}
	}
	r.fill(c, quads...)
}

// dashed strokes a polyline (pixels) with dashes.
func (r *raster) dashed(c color.RGBA, pts []pt, w float64) {
	on, off := dashOn*r.scale, dashOff*r.scale
	var quads [][]pt
	drawing, left := true, on
	for i := 0; i+1 < len(pts); i++ {
		a, b := pts[i], pts[i+1]
		l := math.Hypot(b.x-a.x, b.y-a.y)
		t := 0.0
		for t < l {
			step := min(left, l-t)
			if drawing {
				p := pt{a.x + (b.x-a.x)*t/l, a.y + (b.y-a.y)*t/l}
				q := pt{a.x + (b.x-a.x)*(t+step)/l, a.y + (b.y-a.y)*(t+step)/l}
				if s := segment(p, q, w, false); s != nil {
					quads = append(quads, s)
				}
			}
			t += step
			left -= step
			if left <= 1e-9 {
				drawing = !drawing
				left = on
				if !drawing {
					left = off
				}
			}
		}
	}
	r.fill(c, quads...)
}

// segment returns the quad that strokes a-b with width w, always with the same orientation
// so that overlapping quads add up instead of cancelling; caps extends it by w/2 at each end.
func segment(a, b pt, w float64, caps bool) []pt {
	dx, dy := b.x-a.x, b.y-a.y
	l := math.Hypot(dx, dy)
	if l == 0 {
		return nil
	}
	ux, uy := dx/l, dy/l
	if caps {
		a = pt{a.x - ux*w/2, a.y - uy*w/2}
		b = pt{b.x + ux*w/2, b.y + uy*w/2}
	}
	nx, ny := -uy*w/2, ux*w/2
	q := []pt{{a.x + nx, a.y + ny}, {b.x + nx, b.y + ny}, {b.x - nx, b.y - ny}, {a.x - nx, a.y - ny}}
	if area(q) < 0 {
		reverse(q)
	}
	return q
}

func area(p []pt) float64 {
	s := 0.0
	for i := range p {
		j := (i + 1) % len(p)
		s += p[i].x*p[j].y - p[j].x*p[i].y
	}
	return s / 2
}

func (r *raster) text(p prim) {
	facesMu.Lock()
	defer facesMu.Unlock()
	f := face(p.font, p.size*r.scale)
	x := p.x * r.scale
	if p.centre {
		x -= fixedToFloat(font.MeasureString(f, p.s)) / 2
	}
	d := font.Drawer{Dst: r.img, Src: image.NewUniform(hex(p.color)), Face: f,
		Dot: fixed.Point26_6{X: fixed.Int26_6(math.Round(x * 64)), Y: fixed.Int26_6(math.Round(p.y * r.scale * 64))}}
	d.DrawString(p.s)
}

// hex parses #RRGGBB.
func hex(s string) color.RGBA {
	v, err := strconv.ParseUint(s[1:], 16, 32)
	if err != nil || len(s) != 7 {
		panic("draw: bad colour " + s)
	}
	return color.RGBA{uint8(v >> 16), uint8(v >> 8), uint8(v), 0xFF}
}
