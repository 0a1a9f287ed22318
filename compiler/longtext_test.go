package compiler

import (
	"fmt"
	"strings"
	"testing"
)

// TestLongTextGivesShortErrors: an expression, a name or a value hundreds of kilobytes
// long is quoted with its middle elided, and an expression full of unknown names is one
// error, so the diagnostics stay a few lines whatever the spec holds.
func TestLongTextGivesShortErrors(t *testing.T) {
	var distinct []string
	for i := range 2000 {
		distinct = append(distinct, fmt.Sprintf("width%d", i))
	}
	long := strings.Repeat("1 + ", 200_000) // 800 KB
	cases := []struct {
		name, layer, want string
	}{
		{"an unknown name at the end of 800 KB", `{ op = "linear", out = "` + long + `x" }`,
			`t.toml:5:800027: layers[0].out: "1 + 1 + 1 + 1 + 1 + 1 + 1 + 1…1 + 1 + 1 + 1 + 1 + 1 + 1 + x": unknown name "x"`},
		{"a syntax error at the end of 800 KB", `{ op = "linear", out = "` + long + `" }`,
			`: expected a value, found the end of the expression`},
		{"an evaluation error at the end of 800 KB", `{ op = "linear", out = "` + long + `in.q" }`,
			`: out = "1 + 1 + 1 + 1 + 1 + 1 + 1 + 1… 1 + 1 + 1 + 1 + 1 + 1 + in.q": a shape has fields c, h and w; found "q"`},
		{"2000 unknown names in one expression", `{ op = "linear", out = "` + strings.Join(distinct, " + ") + `" }`,
			`unknown name "width0"; names here: classes, in; also unknown: "width1", "width2", "width3" and 1996 more`},
		{"one unknown name 10000 times", `{ op = "linear", out = "` + strings.Repeat("wdth + ", 10_000) + `1" }`,
			`unknown name "wdth"`},
		{"an 800 KB op", `{ op = "` + strings.Repeat("c", 800_000) + `" }`,
			`unknown op "ccccccccccccccccccccccccccccc…ccccccccccccccccccccccccccccc"`},
		{"an 800 KB unknown name", `{ op = "linear", out = "` + strings.Repeat("c", 800_000) + `" }`,
			`unknown name "ccccccccccccccccccccccccccccc…ccccccccccccccccccccccccccccc"`},
	}
	for _, c := range cases {
		src := header + "layers = [\n  " + c.layer + ",\n]\n"
		_, err := CheckSource("t.toml", []byte(src), Options{})
		if err == nil {
			t.Errorf("%s: accepted", c.name)
			continue
		}
		msg := err.Error()
		if len(Diagnostics(err)) != 1 || len(msg) > 500 || !strings.Contains(msg, c.want) {
			t.Errorf("%s: %d diagnostics, %d bytes, want one containing %q; starts:\n%.600s", c.name, len(Diagnostics(err)), len(msg), c.want, msg)
		}
	}
}
