package draw

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"image"
	"image/png"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/netc/netc/compiler"
	"github.com/netc/netc/compiler/ir"
)

// The seven networks of the chapter, with their top-level blocks as the specs name them
// (read off the specs by hand, not from the compiler) and the per-sample shapes that the
// chapter prints after each of them (Dive into Deep Learning, chapter 8 "Modern CNNs").
var seven = []struct {
	spec   string
	blocks []string
	shapes []string // edge labels a depth-1 drawing must show
}{
	{"lenet-bn", nil, []string{"6×24×24", "16×4×4", "256", "120", "84", "10"}},
	{"alexnet", nil, []string{"96×54×54", "96×26×26", "256×12×12", "384×12×12", "256×5×5", "6400", "4096"}},
	{"vgg11", []string{"vgg_block1", "vgg_block2", "vgg_block3", "vgg_block4", "vgg_block5"},
		[]string{"64×112×112", "128×56×56", "256×28×28", "512×14×14", "512×7×7", "25088", "4096"}},
	{"nin", []string{"nin_block1", "nin_block2", "nin_block3", "nin_block4"},
		[]string{"96×54×54", "96×26×26", "256×26×26", "256×12×12", "384×12×12", "384×5×5", "10×5×5", "10×1×1"}},
	{"googlenet", []string{"b1", "b2", "b3", "b4", "b5"}, []string{"64×24×24", "192×12×12", "480×6×6", "832×3×3", "1024"}},
	{"resnet18", []string{"stem", "stage1", "stage2", "stage3", "stage4"},
		[]string{"64×24×24", "128×12×12", "256×6×6", "512×3×3", "512×1×1", "512"}},
	{"densenet", []string{"stem", "dense_block1", "dense_block2", "dense_block3", "dense_block4"},
		[]string{"64×24×24", "96×12×12", "112×6×6", "120×3×3", "248×3×3", "248×1×1", "248"}},
}

func check(t *testing.T, spec string) *ir.Graph {
	t.Helper()
	g, err := compiler.Check(filepath.Join("..", "..", "specs", spec+".toml"), compiler.Options{})
	if err != nil {
		t.Fatalf("%s: %v", spec, err)
	}
	return g
}

// svgDoc is what the test reads back from an SVG.
type svgDoc struct {
	XMLName xml.Name `xml:"svg"`
	Width   string   `xml:"width,attr"`
	Height  string   `xml:"height,attr"`
	ViewBox string   `xml:"viewBox,attr"`
	Texts   []string `xml:"text"`
	Rects   []struct {
		Dash string `xml:"stroke-dasharray,attr"`
	} `xml:"rect"`
}

func parseSVG(t *testing.T, data []byte) svgDoc {
	t.Helper()
	var d svgDoc
	if err := xml.Unmarshal(data, &d); err != nil {
		t.Fatalf("not well-formed SVG: %v", err)
	}
	return d
}

func TestSevenNetworksDrawAsSVGAndPNG(t *testing.T) {
	for _, net := range seven {
		g := check(t, net.spec)
		for _, depth := range []int{1, 2} {
			t.Run(fmt.Sprintf("%s/depth%d", net.spec, depth), func(t *testing.T) {
				var sbuf bytes.Buffer
				if err := Render(&sbuf, g, SVG, Options{Depth: depth}); err != nil {
					t.Fatal(err)
				}
				doc := parseSVG(t, sbuf.Bytes())
				w, err1 := strconv.ParseFloat(doc.Width, 64)
				h, err2 := strconv.ParseFloat(doc.Height, 64)
				if err1 != nil || err2 != nil || doc.ViewBox != fmt.Sprintf("0 0 %s %s", doc.Width, doc.Height) {
					t.Fatalf("svg size %q x %q, viewBox %q", doc.Width, doc.Height, doc.ViewBox)
				}
				// A drawing of a few dozen boxes: wider than a box, narrower than a screen
				// is tall, and tall enough for one row per top-level item.
				if w < 200 || w > 1500 || h < 500 || h > 8000 {
					t.Errorf("svg is %.0f x %.0f units", w, h)
				}
				if !strings.HasPrefix(doc.Texts[0], g.Name) {
					t.Errorf("the caption %q does not name the network", doc.Texts[0])
				}
				for _, want := range append(append([]string{"input", "output"}, net.blocks...), net.shapes...) {
					if !slices.Contains(doc.Texts, want) {
						t.Errorf("no label %q in the SVG", want)
					}
				}

				var pbuf bytes.Buffer
				if err := Render(&pbuf, g, PNG, Options{Depth: depth, Scale: 1}); err != nil {
					t.Fatal(err)
				}
				img, err := png.Decode(&pbuf)
				if err != nil {
					t.Fatalf("not a PNG: %v", err)
				}
				b := img.Bounds()
				if b.Dx() != int(w+0.999) || b.Dy() != int(h+0.999) {
					t.Errorf("PNG at scale 1 is %dx%d, the SVG %.1fx%.1f", b.Dx(), b.Dy(), w, h)
				}
				checkInk(t, img, len(net.blocks) > 0)
			})
		}
	}
}

// checkInk insists that a PNG is a drawing: mostly white, but with a real share of ink,
// dark text among it, and the colours of the boxes.
func checkInk(t *testing.T, img image.Image, blocks bool) {
	t.Helper()
	b := img.Bounds()
	var ink, dark, frame int
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			r, g, bl = r>>8, g>>8, bl>>8
			if r < 250 || g < 250 || bl < 250 {
				ink++
			}
			if r < 90 && g < 90 && bl < 110 {
				dark++
			}
			if r == 0xE4 && g == 0xE9 && bl == 0xF1 || r == 0xF4 && g == 0xF6 && bl == 0xF9 {
				frame++ // a collapsed block's title band or an open block
			}
		}
	}
	total := b.Dx() * b.Dy()
	if ink < total/20 || ink > total*9/10 {
		t.Errorf("%d of %d pixels are not white", ink, total)
	}
	if dark < total/400 {
		t.Errorf("only %d dark pixels: is there any text?", dark)
	}
	if blocks != (frame > 0) {
		t.Errorf("%d pixels of block colours; the network has blocks: %v", frame, blocks)
	}
}

// TestNoOverlaps checks the layout's promise on every spec at every depth: boxes, bars
// and edge labels never overlap one another, each text stays inside the box it labels,
// and frames nest without crossing.
func TestNoOverlaps(t *testing.T) {
	specs, _ := filepath.Glob(filepath.Join("..", "..", "specs", "*.toml"))
	if len(specs) < 9 {
		t.Fatalf("found %d specs", len(specs))
	}
	for _, path := range specs {
		spec := strings.TrimSuffix(filepath.Base(path), ".toml")
		g := check(t, spec)
		for _, depth := range []int{0, 1, 2, 3} {
			t.Run(fmt.Sprintf("%s/depth%d", spec, depth), func(t *testing.T) {
				v, err := view(g, depth)
				if err != nil {
					t.Fatal(err)
				}
				checkScene(t, layout(g, v, depth, nil))
			})
		}
	}
}

func checkScene(t *testing.T, sc *scene) {
	t.Helper()
	var solids, frames, texts, lines []rect
	var labels []string
	for _, p := range sc.prims {
		switch {
		case p.kind == pLine && p.z == zEdge:
			for i := 0; i+1 < len(p.pts); i++ {
				a, b := p.pts[i], p.pts[i+1]
				lines = append(lines, rect{min(a.x, b.x) - p.sw/2, min(a.y, b.y), abs(b.x-a.x) + p.sw, abs(b.y - a.y)})
			}
		case p.kind == pRect && p.z == zFrame:
			frames = append(frames, p.r)
		case p.kind == pRect && p.z == zBox && p.stroke != "" && p.r.w > swatch+1:
			solids = append(solids, p.r) // boxes and bars, not swatches or title bands
		case p.kind == pText:
			x := p.x
			if p.centre {
				x -= p.width / 2
			}
			// The extent of the glyphs: ascent about 0.75, descent 0.25 of the size.
			texts = append(texts, rect{x, p.y - 0.75*p.size, p.width, p.size})
			labels = append(labels, p.s)
		}
	}
	if len(solids) < 3 {
		t.Fatalf("only %d boxes", len(solids))
	}
	canvas := rect{0, 0, sc.w, sc.h}
	for i, a := range solids {
		if !inside(a, canvas) {
			t.Errorf("box %v is off the canvas %v", a, canvas)
		}
		for _, b := range solids[i+1:] {
			if overlap(a, b) {
				t.Errorf("boxes overlap: %v and %v", a, b)
			}
		}
	}
	for i, a := range texts {
		if !inside(a, canvas) {
			t.Errorf("text %q at %v is off the canvas", labels[i], a)
		}
		// A text is either inside one box or clear of all of them.
		in := 0
		for _, b := range solids {
			switch {
			case inside(a, b):
				in++
			case overlap(a, b):
				t.Errorf("text %q at %v crosses the box %v", labels[i], a, b)
			}
		}
		if in > 1 {
			t.Errorf("text %q is inside %d boxes", labels[i], in)
		}
		for _, l := range lines {
			if overlap(a, l) {
				t.Errorf("text %q at %v crosses an edge at %v", labels[i], a, l)
			}
		}
		for j, b := range texts[i+1:] {
			if overlap(a, b) {
				t.Errorf("texts overlap: %q %v and %q %v", labels[i], a, labels[i+1+j], b)
			}
		}
	}
	for i, a := range frames {
		for _, b := range frames[i+1:] {
			if overlap(a, b) && !inside(a, b) && !inside(b, a) {
				t.Errorf("frames cross: %v and %v", a, b)
			}
		}
	}
}

func abs(x float64) float64 { return max(x, -x) }

func overlap(a, b rect) bool {
	const eps = 0.01
	return a.x+eps < b.x+b.w && b.x+eps < a.x+a.w && a.y+eps < b.y+b.h && b.y+eps < a.y+a.h
}

func inside(a, b rect) bool {
	const eps = 0.01
	return a.x >= b.x-eps && a.y >= b.y-eps && a.x+a.w <= b.x+b.w+eps && a.y+a.h <= b.y+b.h+eps
}

// TestDepth checks what each depth opens, on GoogLeNet: at depth 1 its five stages are
// boxes, at depth 2 the stages open and each Inception block shows its four branches
// merging into a concat, and with no limit every conv has a box of its own.
func TestDepth(t *testing.T) {
	g := check(t, "googlenet")
	labels := func(depth int) []string {
		l, err := Labels(g, depth)
		if err != nil {
			t.Fatal(err)
		}
		return l
	}
	count := func(l []string, s string) int {
		n := 0
		for _, x := range l {
			if x == s {
				n++
			}
		}
		return n
	}
	d1, d2, d0 := labels(1), labels(2), labels(0)
	if count(d1, "concat") != 0 || count(d1, "inception1") != 0 || count(d1, "inception") != 3 {
		t.Errorf("depth 1 should list 2+5+2 inception blocks in three stage boxes, not open them: %q", d1)
	}
	// 9 Inception blocks, each with branches p1..p4 and one concat.
	if got := count(d2, "concat"); got != 9 {
		t.Errorf("depth 2: %d concat bars, want 9", got)
	}
	for _, p := range []string{"p1", "p2", "p3", "p4"} {
		if got := count(d2, p); got != 9 {
			t.Errorf("depth 2: branch %s shown %d times, want 9", p, got)
		}
	}
	// Every layer: 2 stem convs + 3 in b2... counted by title: "conv + relu" boxes are
	// b1 (1) + b2 (2) + 9 inceptions x 6 convs = 57, all followed by their relu.
	if got := count(d0, "conv + relu"); got != 57 {
		t.Errorf("every layer: %d conv + relu boxes, want 57", got)
	}
	if got := count(d0, "concat"); got != 9 {
		t.Errorf("every layer: %d concat bars, want 9", got)
	}
}

// TestIdentityBranches checks that empty branches are drawn: ResNet-18's identity
// shortcuts and DenseNet's concatenated input.
func TestIdentityBranches(t *testing.T) {
	for _, tc := range []struct {
		spec, branch string
		want         int
	}{
		{"resnet18", "shortcut", 8}, // every residual block has one; 3 hold a projection
		{"densenet", "x", 16},       // every dense layer concatenates its input
	} {
		l, err := Labels(check(t, tc.spec), 2)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, s := range l {
			if s == tc.branch {
				n++
			}
		}
		if n != tc.want {
			t.Errorf("%s: branch %q drawn %d times, want %d", tc.spec, tc.branch, n, tc.want)
		}
	}
}

func TestFusedOutlines(t *testing.T) {
	g := check(t, "resnet18")
	groups := [][]string{
		{"stem.conv"},
		{"stem.batchnorm", "stem.relu"},
		{"stage1.residual1.main.conv1", "stage1.residual1.main.batchnorm1", "stage1.residual1.main.relu"},
		{"stage1.residual1", "stage1.residual1.relu"}, // add + relu
	}
	outlines := func(depth int) int {
		var buf bytes.Buffer
		if err := Render(&buf, g, SVG, Options{Depth: depth, Fused: groups}); err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, r := range parseSVG(t, buf.Bytes()).Rects {
			if r.Dash != "" {
				n++
			}
		}
		return n
	}
	if got := outlines(0); got != 4 {
		t.Errorf("every layer: %d outlines, want 4", got)
	}
	// At depth 2 the residual blocks are collapsed: their main branch is one list box, so
	// the conv + batchnorm + relu group is not outlined; the add bar and the relu after it
	// still have boxes of their own.
	if got := outlines(2); got != 3 {
		t.Errorf("depth 2: %d outlines, want 3", got)
	}
	err := Render(&bytes.Buffer{}, g, SVG, Options{Fused: [][]string{{"stem.cnov"}}})
	if err == nil || !strings.Contains(err.Error(), `"stem.cnov"`) {
		t.Errorf("an unknown name in a fused group: %v", err)
	}
	// The outline surrounds its boxes, in the PNG too.
	v, _ := view(g, 0)
	fused, _ := resolve(g, groups[2:3])
	sc := layout(g, v, 0, fused)
	var outline rect
	for _, p := range sc.prims {
		if p.dash {
			outline = p.r
		}
	}
	if outline.h < 2*seqGap {
		t.Errorf("the conv + batchnorm + relu outline is %v: it should span two boxes", outline)
	}
}

func TestTextFormats(t *testing.T) {
	g := check(t, "googlenet")
	for _, f := range []Format{DOT, Mermaid} {
		var buf bytes.Buffer
		if err := Render(&buf, g, f, Options{Depth: 1}); err != nil {
			t.Fatal(err)
		}
		out := buf.String()
		// input, b1..b5, linear, output: a chain of 8 boxes and 7 edges.
		edges := strings.Count(out, "->")
		if f == Mermaid {
			edges = strings.Count(out, "-->|")
		}
		if edges != 7 {
			t.Errorf("%s: %d edges, want 7:\n%s", f, edges, out)
		}
		for _, want := range []string{"b1", "b5", "192×12×12", "1024"} {
			if !strings.Contains(out, want) {
				t.Errorf("%s: no %q", f, want)
			}
		}
	}
	// Depth 2: GoogLeNet has 9 inception blocks of 4 branches, each branch edge into a
	// concat, and every frame is a cluster or subgraph.
	var dot, mmd bytes.Buffer
	if err := Render(&dot, g, DOT, Options{Depth: 2}); err != nil {
		t.Fatal(err)
	}
	if err := Render(&mmd, g, Mermaid, Options{Depth: 2}); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(dot.String(), "subgraph cluster_"); n != 5+9 {
		t.Errorf("dot: %d clusters, want 14", n)
	}
	if n := strings.Count(mmd.String(), "subgraph "); n != 5+9 {
		t.Errorf("mermaid: %d subgraphs, want 14", n)
	}
	if strings.Count(dot.String(), "{") != strings.Count(dot.String(), "}") {
		t.Errorf("dot: unbalanced braces")
	}
	// Where Graphviz is installed, it must accept the file.
	if path, err := exec.LookPath("dot"); err == nil {
		cmd := exec.Command(path, "-Tsvg")
		cmd.Stdin = &dot
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("graphviz rejects the DOT output: %v\n%s", err, out)
		}
	}
}

func TestFormatsAndOptions(t *testing.T) {
	for in, want := range map[string]Format{"svg": SVG, "PNG": PNG, "dot": DOT, "gv": DOT, "mermaid": Mermaid, "mmd": Mermaid} {
		if f, err := ParseFormat(in); err != nil || f != want {
			t.Errorf("ParseFormat(%q) = %q, %v", in, f, err)
		}
	}
	if _, err := ParseFormat("jpeg"); err == nil {
		t.Error("jpeg accepted")
	}
	g := check(t, "lenet-bn")
	if err := Render(&bytes.Buffer{}, g, SVG, Options{Depth: -1}); err == nil {
		t.Error("negative depth accepted")
	}
	if err := Render(&bytes.Buffer{}, g, PNG, Options{Scale: 100}); err == nil {
		t.Error("scale 100 accepted")
	}
}

// view builds the view of g at depth, as Render does.
func view(g *ir.Graph, depth int) (*seq, error) { return viewOf(g, depth) }
