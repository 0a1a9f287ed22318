package compare

import (
	"bytes"
	"strings"
	"testing"

	"github.com/netc/netc/compiler"
	"github.com/netc/netc/compiler/ir"
)

func graph(t *testing.T, layers string) *ir.Graph {
	t.Helper()
	src := "name = \"t\"\ninput = { channels = 1, height = 8, width = 8 }\nclasses = 4\nlayers = [\n" + layers + "\n]\n"
	g, err := compiler.CheckSource("t.toml", []byte(src), compiler.Options{})
	if err != nil {
		t.Fatalf("%v\n%s", err, src)
	}
	return g
}

func statuses(r *Result) string {
	var parts []string
	for _, row := range r.Rows {
		parts = append(parts, string(row.Status[0])+":"+row.Name)
	}
	return strings.Join(parts, " ")
}

// TestAlignment: rows follow A, layers only in B appear where B has them, and layers
// that moved are paired by name.
func TestAlignment(t *testing.T) {
	a := graph(t, `{ op = "conv", out = 4, k = 3, name = "c1" }, { op = "relu", name = "r" },
		{ op = "conv", out = 4, k = 3, name = "c2" }, { op = "flatten" }, { op = "linear", out = "classes" }`)
	b := graph(t, `{ op = "conv", out = 8, k = 3, name = "c1" }, { op = "conv", out = 4, k = 1, name = "extra" },
		{ op = "conv", out = 4, k = 3, name = "c2" }, { op = "flatten" }, { op = "linear", out = "classes" }`)
	r := Graphs(a, b)
	// c1 widens from 4 to 8 channels; `extra` (only in B) maps them back to 4, so c2
	// reads 4x6x6 on both sides and it and everything after it are the same.
	if got, want := statuses(r), "c:c1 a:extra r:r s:c2 s:flatten s:linear"; got != want {
		t.Errorf("rows %s, want %s", got, want)
	}
	// 1 -> 4 channels, 3x3: 9*4+4 = 40 parameters; 1 -> 8: 80.
	c1 := r.Rows[0]
	if c1.A.Params != 40 || c1.B.Params != 80 || c1.A.Op != "conv 4, 3x3" || c1.B.Op != "conv 8, 3x3" {
		t.Errorf("c1: %+v %+v", c1.A, c1.B)
	}
	if r.A.Totals.Params == r.B.Totals.Params {
		t.Error("totals should differ")
	}

	swapped := graph(t, `{ op = "conv", out = 4, k = 3, name = "c2" }, { op = "conv", out = 4, k = 3, name = "c1" },
		{ op = "flatten" }, { op = "linear", out = "classes" }`)
	// Swapped convs are paired by name (both change: each reads another input); the
	// flatten after them sees 4x4x4 on both sides.
	if got, want := statuses(Graphs(a, swapped)), "c:c1 r:r c:c2 s:flatten s:linear"; got != want {
		t.Errorf("reordered: rows %s, want %s", got, want)
	}
}

func TestTextTotals(t *testing.T) {
	a := graph(t, `{ op = "flatten" }, { op = "linear", out = "classes" }`)
	var buf bytes.Buffer
	if err := Graphs(a, a).WriteText(&buf, false); err != nil {
		t.Fatal(err)
	}
	// 64 inputs to 4 classes: 260 parameters, the same on both sides.
	for _, want := range []string{"every layer is the same (2 layers)", "params           260\n", "output           4\n"} {
		if !strings.Contains(buf.String(), want) {
			t.Errorf("no %q in\n%s", want, buf.String())
		}
	}
}
