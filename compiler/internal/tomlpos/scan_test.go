package tomlpos

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/BurntSushi/toml"
)

// Positions below were counted by hand in the source text (line, column in characters).
func TestKeyPositions(t *testing.T) {
	src := `name = "x"   # a comment with [brackets] and {braces}
input = { channels = 1, height = 28 }
layers = [
  { op = "conv", k = [3, 5] },
  { op = "relu" }, "s" ,
]
[blocks.vgg]
params.c = 64
"quoted key" = 'lit'
[[runs]]
id = 1
[[runs]]
id = 2
[[runs.steps]]
n = """multi
line ] } """
[runs.meta]
ok = true
"café" = 1
`
	ix, err := Scan("f.toml", []byte(src), 32)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		path      string
		line, col int
	}{
		{"/name", 1, 1},
		{"/input", 2, 1},
		{"/input/channels", 2, 11},
		{"/input/height", 2, 25},
		{"/layers", 3, 1},
		{"/layers/0", 4, 3},
		{"/layers/0/op", 4, 5},
		{"/layers/0/k", 4, 18},
		{"/layers/0/k/1", 4, 26},
		{"/layers/1/op", 5, 5},
		{"/layers/2", 5, 20},
		{"/blocks", 7, 2},
		{"/blocks/vgg", 7, 9},
		{"/blocks/vgg/params", 8, 1},
		{"/blocks/vgg/params/c", 8, 8},
		{"/blocks/vgg/quoted key", 9, 1},
		{"/runs/0", 10, 3},
		{"/runs/0/id", 11, 1},
		{"/runs/1/id", 13, 1},
		{"/runs/1/steps/0/n", 15, 1},
		{"/runs/1/meta/ok", 18, 1},
		{"/runs/1/meta/café", 19, 1},
	}
	for _, c := range cases {
		p, ok := ix.Keys[c.path]
		if !ok {
			t.Errorf("%s: no position", c.path)
			continue
		}
		if p.Line != c.line || p.Col != c.col {
			t.Errorf("%s at %d:%d, want %d:%d", c.path, p.Line, p.Col, c.line, c.col)
		}
	}
	// Values: where the value starts.
	if p := ix.Values["/layers/0/k"]; p.Line != 4 || p.Col != 22 {
		t.Errorf("value of /layers/0/k at %d:%d, want 4:22", p.Line, p.Col)
	}
	if p := ix.Values["/runs/1/meta/café"]; p.Line != 19 || p.Col != 10 {
		t.Errorf("value after a multi-byte key at %d:%d, want 19:10 (columns count characters)", p.Line, p.Col)
	}
}

func TestDepthLimit(t *testing.T) {
	deep := "a = " + strings.Repeat("[", 40) + strings.Repeat("]", 40)
	_, err := Scan("d.toml", []byte(deep), 32)
	e, ok := err.(*Error)
	if !ok {
		t.Fatalf("want *Error, got %v", err)
	}
	// The 33rd bracket is at column 4 + 33.
	if e.Pos.Line != 1 || e.Pos.Col != 37 || !strings.Contains(e.Msg, "nested more than 32") {
		t.Errorf("got %s: %s", e.Pos, e.Msg)
	}
	// Inline tables count too, and so do brackets in either order.
	mixed := "a = " + strings.Repeat("{b=[", 20) + "1" + strings.Repeat("]}", 20)
	if _, err := Scan("m.toml", []byte(mixed), 32); err == nil {
		t.Error("40 levels of mixed nesting were accepted")
	}
	// Brackets inside strings and comments are not nesting.
	quiet := "a = \"" + strings.Repeat("[", 100) + "\" # " + strings.Repeat("{", 100)
	if _, err := Scan("q.toml", []byte(quiet), 32); err != nil {
		t.Errorf("brackets in a string or comment counted as nesting: %v", err)
	}
}

// decodedPaths lists the JSON pointer of every value BurntSushi decodes, array elements
// included.
func decodedPaths(src []byte) (map[string]bool, bool) {
	var v map[string]any
	if _, err := toml.Decode(string(src), &v); err != nil {
		return nil, false
	}
	out := map[string]bool{}
	quirk := false
	var walk func(path string, v any)
	walk = func(path string, v any) {
		if path != "" {
			out[path] = true
		}
		switch v := v.(type) {
		case map[string]any:
			for k, x := range v {
				if _, tables := x.([]map[string]any); tables && k == "" {
					// BurntSushi (v1.6.0) drops a level of nesting from an array of
					// arrays of tables under an empty key: `a."" = [[{b=0}]]` decodes as
					// a."" = [{b=0}], while `a.c = [[{b=0}]]` decodes right. Its paths
					// are then not the document's; the scanner's are.
					quirk = true
				}
				walk(Join(path, k), x)
			}
		case []map[string]any:
			for i, x := range v {
				walk(fmt.Sprintf("%s/%d", path, i), x)
			}
		case []any:
			for i, x := range v {
				walk(fmt.Sprintf("%s/%d", path, i), x)
			}
		}
	}
	walk("", v)
	return out, !quirk
}

// agree checks the property the loader relies on: for a document BurntSushi accepts, the
// scanner succeeds and has a key position for every value BurntSushi decodes.
func agree(t testing.TB, name string, src []byte) {
	want, ok := decodedPaths(src)
	if !ok {
		return
	}
	ix, err := Scan(name, src, 1000)
	if err != nil {
		t.Fatalf("%s: BurntSushi accepts it but the scanner fails: %v", name, err)
	}
	var missing []string
	for k := range want {
		if _, ok := ix.Keys[k]; !ok {
			missing = append(missing, k)
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Fatalf("%s: values without positions: %v", name, missing)
	}
}

func TestAgreesWithBurntSushiOnSpecs(t *testing.T) {
	files, _ := filepath.Glob("../../../specs/*.toml")
	more, _ := filepath.Glob("../../../testdata/broken/*.toml")
	files = append(files, more...)
	if len(files) < 9 {
		t.Fatalf("found only %d spec files", len(files))
	}
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		agree(t, f, src)
	}
}

func FuzzAgreesWithBurntSushi(f *testing.F) {
	files, _ := filepath.Glob("../../../specs/*.toml")
	for _, file := range files {
		src, _ := os.ReadFile(file)
		f.Add(src)
	}
	f.Add([]byte("a.b.c = 1\n[x]\n'y'.\"z\" = [1, [2, {q = 3}], ]\n[[t]]\n[[t.u]]\nv = 1979-05-27 07:32:00Z\n"))
	f.Add([]byte("s = '''\nx''''\nt = \"\"\"a\\\n  b\"\"\"\"\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		if len(src) > 1<<16 {
			return
		}
		// The scanner must never panic, whatever the input.
		_, _ = Scan("fuzz.toml", src, 32)
		// Keep BurntSushi away from deep nests, as the loader does.
		if _, err := Scan("fuzz.toml", src, 32); err != nil {
			if e, ok := err.(*Error); ok && strings.Contains(e.Msg, "nested more than") {
				return
			}
		}
		agree(t, "fuzz.toml", src)
	})
}

// A byte-order mark (UTF-8, or either UTF-16 mark, which BurntSushi also skips)
// takes no column: the first key is still at 1:1.
func TestByteOrderMark(t *testing.T) {
	for _, bom := range []string{"\xef\xbb\xbf", "\xff\xfe", "\xfe\xff"} {
		ix, err := Scan("f.toml", []byte(bom+"a = 1\nb = 2\n"), 32)
		if err != nil {
			t.Fatalf("%q: %v", bom, err)
		}
		if p := ix.Keys["/a"]; p.Line != 1 || p.Col != 1 {
			t.Errorf("%q: key a at %d:%d, want 1:1", bom, p.Line, p.Col)
		}
		if p := ix.Keys["/b"]; p.Line != 2 || p.Col != 1 {
			t.Errorf("%q: key b at %d:%d, want 2:1", bom, p.Line, p.Col)
		}
	}
}
