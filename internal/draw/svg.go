package draw

import (
	"bufio"
	"fmt"
	"html"
	"io"
	"strconv"
	"strings"
)

// fontFamily prefers the Go fonts the layout measured with, then fonts of about their
// width; browsers also fit whatever font they use to the measured width (textLength).
const fontFamily = `Go, 'Go Regular', Arial, Helvetica, 'Liberation Sans', sans-serif`

// writeSVG writes the scene as a standalone SVG document.
func writeSVG(w io.Writer, sc *scene, title string) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, `<svg xmlns="http://www.w3.org/2000/svg" width="%s" height="%s" viewBox="0 0 %s %s" font-family="%s">`+"\n",
		num(sc.w), num(sc.h), num(sc.w), num(sc.h), fontFamily)
	fmt.Fprintf(bw, "<title>%s</title>\n", html.EscapeString(title))
	fmt.Fprintf(bw, `<rect width="100%%" height="100%%" fill="#FFFFFF"/>`+"\n")
	for _, p := range sc.sorted() {
		switch p.kind {
		case pRect:
			fmt.Fprintf(bw, `<rect x="%s" y="%s" width="%s" height="%s"`, num(p.r.x), num(p.r.y), num(p.r.w), num(p.r.h))
			if p.radius > 0 {
				fmt.Fprintf(bw, ` rx="%s"`, num(p.radius))
			}
			paint(bw, p)
			bw.WriteString("/>\n")
		case pLine:
			fmt.Fprintf(bw, `<polyline points="%s" fill="none" stroke="%s" stroke-width="%s"/>`+"\n", points(p.pts), p.stroke, num(p.sw))
		case pPoly:
			fmt.Fprintf(bw, `<polygon points="%s" fill="%s"/>`+"\n", points(p.pts), p.fill)
		case pText:
			anchor := ""
			if p.centre {
				anchor = ` text-anchor="middle"`
			}
			weight := ""
			if p.font == bold {
				weight = ` font-weight="bold"`
			}
			fmt.Fprintf(bw, `<text x="%s" y="%s" font-size="%s"%s%s fill="%s" textLength="%s" lengthAdjust="spacingAndGlyphs" xml:space="preserve">%s</text>`+"\n",
				num(p.x), num(p.y), num(p.size), weight, anchor, p.color, num(p.width), html.EscapeString(p.s))
		}
	}
	bw.WriteString("</svg>\n")
	return bw.Flush()
}

func paint(w *bufio.Writer, p prim) {
	fill := p.fill
	if fill == "" {
		fill = "none"
	}
	fmt.Fprintf(w, ` fill="%s"`, fill)
	if p.stroke != "" {
		fmt.Fprintf(w, ` stroke="%s" stroke-width="%s"`, p.stroke, num(p.sw))
		if p.dash {
			fmt.Fprintf(w, ` stroke-dasharray="%s %s"`, num(dashOn), num(dashOff))
		}
	}
}

func points(pts []pt) string {
	parts := make([]string, len(pts))
	for i, q := range pts {
		parts[i] = num(q.x) + "," + num(q.y)
	}
	return strings.Join(parts, " ")
}

// num writes a coordinate with at most two decimals.
func num(x float64) string {
	return strconv.FormatFloat(float64(int64(x*100+copysignHalf(x)))/100, 'f', -1, 64)
}

func copysignHalf(x float64) float64 {
	if x < 0 {
		return -0.5
	}
	return 0.5
}

// Dashes of outlines.
const (
	dashOn  = 5.0
	dashOff = 3.0
)
