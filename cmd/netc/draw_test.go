package main

import (
	"bytes"
	"flag"
	"fmt"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

var updateDiagrams = flag.Bool("update-diagrams", false, "redraw docs/diagrams/*.png")

func TestDrawFormats(t *testing.T) {
	dir := t.TempDir()
	for ext, head := range map[string]string{"svg": "<svg ", "png": "\x89PNG\r\n\x1a\n", "dot": "// googlenet", "mmd": "%% googlenet"} {
		path := filepath.Join(dir, "googlenet."+ext)
		if _, stderr, code := netc(t, "draw", specPath("googlenet"), "--depth", "2", "--out", path); code != 0 {
			t.Fatalf("draw --out %s: exit %d: %s", path, code, stderr)
		}
		data, err := os.ReadFile(path)
		if err != nil || !bytes.HasPrefix(data, []byte(head)) {
			t.Errorf("%s starts with %q, want %q (%v)", path, data[:min(len(data), 16)], head, err)
		}
	}
	// --format wins over no extension, and a PNG goes to a pipe as it is.
	out, _, code := netc(t, "draw", specPath("lenet-bn"), "--format", "png", "--scale", "1")
	if img, err := png.Decode(strings.NewReader(out)); code != 0 || err != nil || img.Bounds().Dx() < 200 {
		t.Errorf("draw --format png to a pipe: exit %d, %v", code, err)
	}
	out, _, _ = netc(t, "draw", specPath("vgg11"), "--depth", "1", "--format", "mermaid", "--set", "ratio=4")
	if !strings.HasPrefix(out, "%% vgg11") || !strings.Contains(out, "16×112×112") {
		t.Errorf("mermaid at ratio 4:\n%s", out)
	}
}

func TestDrawErrors(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"--format", "jpeg"}, 2, "svg, png, dot or mermaid"},
		{[]string{"--out", filepath.Join(dir, "x.jpeg")}, 2, "--format"},
		{[]string{"--out", filepath.Join(dir, "x.svg"), "--format", "png"}, 2, "does not match"},
		{[]string{"--depth", "-1"}, 2, "--depth"},
		{[]string{"--scale", "100"}, 2, "--scale"},
		{[]string{"--set", "ratio=4"}, 2, "no parameter"},
		{[]string{"--out", filepath.Join(dir, "no", "such", "dir.svg")}, 1, "no such file"},
	} {
		_, stderr, code := netc(t, append([]string{"draw", specPath("googlenet")}, tc.args...)...)
		if code != tc.code || !strings.Contains(stderr, tc.msg) {
			t.Errorf("draw %v: exit %d, stderr %q; want %d and %q", tc.args, code, stderr, tc.code, tc.msg)
		}
	}
	for _, args := range [][]string{{"draw", "specs/nope.toml"}, {"expand", "specs/nope.toml"}, {"diff", specPath("vgg11"), "specs/nope.toml"}} {
		if _, stderr, code := netc(t, args...); code != 2 || !strings.Contains(stderr, "no such spec file") {
			t.Errorf("%v: exit %d, stderr %q; a missing file is a usage error", args, code, stderr)
		}
	}
	if _, stderr, code := netc(t, "draw", badSpec(t)); code != 1 || !strings.Contains(stderr, "bad.toml:5:") {
		t.Errorf("a wrong spec: exit %d, stderr %q", code, stderr)
	}
	if out, _, code := netc(t, "draw", "--help"); code != 0 || !strings.Contains(out, "netc draw specs/googlenet.toml --depth 2 --out googlenet.svg") {
		t.Errorf("help: exit %d without examples:\n%s", code, out)
	}
}

// The chapter's seven networks at depth 2, as docs/diagrams shows them. The test checks
// that each picture is there and has the size the current code draws it at; run
// `go test ./cmd/netc -run TestDiagrams -update-diagrams` to redraw them after a change,
// and look at them before committing.
const diagramScale = 1.5

var chapter = []string{"lenet-bn", "alexnet", "vgg11", "nin", "googlenet", "resnet18", "densenet"}

func TestDiagrams(t *testing.T) {
	size := regexp.MustCompile(`<svg [^>]*width="([0-9.]+)" height="([0-9.]+)"`)
	for _, spec := range chapter {
		rel := filepath.Join("docs", "diagrams", spec+".png")
		if *updateDiagrams {
			if _, stderr, code := netc(t, "draw", specPath(spec), "--depth", "2", "--scale", fmt.Sprint(diagramScale), "--out", rel); code != 0 {
				t.Fatalf("drawing %s: %s", rel, stderr)
			}
		}
		f, err := os.Open(filepath.Join("..", "..", rel))
		if err != nil {
			t.Errorf("%v (draw it with -update-diagrams)", err)
			continue
		}
		img, err := png.Decode(f)
		f.Close()
		if err != nil {
			t.Errorf("%s: %v", rel, err)
			continue
		}
		svg, _, _ := netc(t, "draw", specPath(spec), "--depth", "2")
		m := size.FindStringSubmatch(svg)
		if m == nil {
			t.Fatalf("no size in the SVG of %s", spec)
		}
		w, _ := strconv.ParseFloat(m[1], 64)
		h, _ := strconv.ParseFloat(m[2], 64)
		want := [2]int{int(math.Ceil(w * diagramScale)), int(math.Ceil(h * diagramScale))}
		if got := [2]int{img.Bounds().Dx(), img.Bounds().Dy()}; got != want {
			t.Errorf("%s is %dx%d, but the network draws at %dx%d now: redraw it with -update-diagrams", rel, got[0], got[1], want[0], want[1])
		}
	}
}
