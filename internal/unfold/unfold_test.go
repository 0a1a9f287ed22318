package unfold

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/netc/netc/compiler"
	"github.com/netc/netc/compiler/ir"
	"github.com/netc/netc/internal/report"
)

// table is `netc check`'s table without its first line, which names the file (and the
// parameters, which the expanded spec no longer has).
func table(t *testing.T, g *ir.Graph, depth int) string {
	t.Helper()
	var b bytes.Buffer
	if err := report.WriteTable(&b, g, report.TableOptions{Depth: depth}); err != nil {
		t.Fatal(err)
	}
	_, rest, _ := strings.Cut(b.String(), "\n")
	return rest
}

// summary is `netc check --json` without the file name: every layer's name, op, shape,
// parameters, MACs, inputs and attributes.
func summary(t *testing.T, g *ir.Graph) string {
	s := report.Summarize(g)
	s.File = ""
	out, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

func expand(t *testing.T, g *ir.Graph) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := Write(&b, g); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func recheck(t *testing.T, src []byte) *ir.Graph {
	t.Helper()
	g, err := compiler.CheckSource("expanded.toml", src, compiler.Options{})
	if err != nil {
		t.Fatalf("the expanded spec does not check: %v\n%s", err, src)
	}
	return g
}

var (
	stringKey = regexp.MustCompile(`(\w+)\s*=\s*"`)
	words     = map[string]bool{"name": true, "op": true, "use": true, "merge": true, "init": true, "optimizer": true, "type": true, "anneal": true}
)

func uncommented(src []byte) string {
	var keep []string
	for _, l := range strings.Split(string(src), "\n") {
		if !strings.HasPrefix(l, "#") {
			keep = append(keep, l)
		}
	}
	return strings.Join(keep, "\n")
}

func TestRoundTrip(t *testing.T) {
	specs, _ := filepath.Glob(filepath.Join("..", "..", "specs", "*.toml"))
	specs = append(specs, filepath.Join("testdata", "odd.toml"), filepath.Join("testdata", "modern_recipe.toml"), filepath.Join("testdata", "step_recipe.toml"))
	if len(specs) < 10 {
		t.Fatalf("found %d specs", len(specs))
	}
	for _, path := range specs {
		for _, opt := range []compiler.Options{{}, {Input: "3x64x64"}} {
			name := filepath.Base(path) + "/" + opt.Input
			t.Run(name, func(t *testing.T) {
				g, err := compiler.Check(path, opt)
				if err != nil {
					if opt.Input != "" {
						t.Skip("does not fit this input:", err)
					}
					t.Fatal(err)
				}
				src := expand(t, g)
				g2 := recheck(t, src)
				if a, b := table(t, g, 0), table(t, g2, 0); a != b {
					t.Errorf("tables differ:\n--- %s\n%s\n--- expanded\n%s", path, a, b)
				}
				if a, b := summary(t, g), summary(t, g2); a != b {
					t.Errorf("JSON summaries differ:\n%s\n%s", a, b)
				}
				if !reflect.DeepEqual(g.Train, g2.Train) {
					t.Errorf("train %+v became %+v", g.Train, g2.Train)
				}
				// Expanding an expanded spec changes nothing but the comments, which name
				// the file and positions in it.
				code := uncommented(src)
				if again := uncommented(expand(t, g2)); code != again {
					t.Errorf("expand is not idempotent:\n%s\n---\n%s", code, again)
				}
				// Nothing is left to evaluate.
				for _, word := range []string{"params", "repeat", "for =", "if =", "act ="} {
					if strings.Contains(code, word) {
						t.Errorf("the expanded spec still has %q", word)
					}
				}
				// Strings are names and words, never expressions.
				for _, m := range stringKey.FindAllStringSubmatch(code, -1) {
					if !words[m[1]] {
						t.Errorf("%s is a string: an expression left unevaluated", m[0])
					}
				}
			})
		}
	}
}

// TestWritten checks the text for what a reader looks for: every default written, the
// resolved parameter in the header, and the branches a condition removed left out.
func TestWritten(t *testing.T) {
	g, err := compiler.Check(filepath.Join("..", "..", "specs", "vgg11.toml"), compiler.Options{Set: []string{"ratio=4"}})
	if err != nil {
		t.Fatal(err)
	}
	src := string(expand(t, g))
	for _, want := range []string{
		"with ratio=4.",
		`{ op = "conv", name = "conv1", out = 16, k = 3, stride = 1, pad = 1, dilation = 1, groups = 1, bias = true }`,
		`{ op = "maxpool", name = "maxpool", k = 2, stride = 2, pad = 0, ceil_mode = false }`,
		`{ op = "dropout", name = "dropout1", p = 0.5 }`,
		`{ use = "vgg_block5", name = "vgg_block5" }`,
		"momentum     = 0.0",
	} {
		if !strings.Contains(src, want) {
			t.Errorf("no %s in\n%s", want, src)
		}
	}

	g, err = compiler.Check(filepath.Join("..", "..", "specs", "mobilenet_v2.toml"), compiler.Options{})
	if err != nil {
		t.Fatal(err)
	}
	src = string(expand(t, g))
	// stage2's first block has stride 2: its shortcut is gone; the second keeps the identity.
	first := src[strings.Index(src, "[blocks.stage2_inverted_residual1]"):]
	first = first[:strings.Index(first, "\n\n")]
	if strings.Contains(first, "shortcut") || !strings.Contains(first, "main = [") {
		t.Errorf("stage2.inverted_residual1:\n%s", first)
	}
	second := src[strings.Index(src, "[blocks.stage2_inverted_residual2]"):]
	if !strings.Contains(second[:strings.Index(second, "\n\n")], "shortcut = []") {
		t.Errorf("stage2.inverted_residual2 lost its identity shortcut")
	}
}
