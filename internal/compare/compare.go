// Package compare lines up two compiled graphs layer by layer, by hierarchical name, and
// reports what differs: each layer's op and attributes, output shape, parameters and MACs,
// and the totals. It is what `netc diff` prints, e.g. for VGG-11 at two widths.
package compare

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/netc/netc/compiler/ir"
	"github.com/netc/netc/internal/report"
)

// Status says how a layer differs.
type Status string

const (
	Same    Status = "same"
	Changed Status = "changed"
	Added   Status = "added"   // only in B
	Removed Status = "removed" // only in A
)

// Layer is one layer on one side.
type Layer struct {
	Op     string   `json:"op"` // op and key attributes, as `netc check` shows them
	Shape  ir.Shape `json:"shape"`
	Params int64    `json:"params"`
	MACs   int64    `json:"macs"`
}

// Row is one layer name and its two sides (nil where the layer is missing).
type Row struct {
	Name   string `json:"name"`
	Status Status `json:"status"`
	A      *Layer `json:"a"`
	B      *Layer `json:"b"`
}

// Totals of one side.
type Totals struct {
	Params      int64    `json:"params"`
	Buffers     int64    `json:"batchnorm_stats"`
	MACs        int64    `json:"macs"`
	Activations int64    `json:"activation_bytes"`
	Output      ir.Shape `json:"output"`
}

// Side describes one of the compared graphs.
type Side struct {
	Name   string            `json:"name"`
	File   string            `json:"file"`
	Input  ir.Shape          `json:"input"`
	Params map[string]string `json:"params,omitempty"`
	Totals Totals            `json:"totals"`
}

// Result is the comparison of A and B.
type Result struct {
	A    Side  `json:"a"`
	B    Side  `json:"b"`
	Rows []Row `json:"layers"`
}

// Graphs compares a and b. Rows follow A's order, with B's extra layers where B has them.
func Graphs(a, b *ir.Graph) *Result {
	r := &Result{A: side(a), B: side(b)}
	la, lb := layers(a), layers(b)
	posA, posB := index(la), index(lb)
	paired := map[string]bool{}
	i, j := 0, 0
	for i < len(la) || j < len(lb) {
		// Skip B's layers already paired with an earlier layer of A (reordered layers).
		if j < len(lb) && paired[lb[j].name] {
			j++
			continue
		}
		_, bInA := posA[name(lb, j)]
		switch {
		case i < len(la) && j < len(lb) && la[i].name == lb[j].name:
			r.Rows = append(r.Rows, row(la[i].name, la[i].layer, lb[j].layer))
			paired[lb[j].name] = true
			i, j = i+1, j+1
		case i == len(la) || j < len(lb) && !bInA:
			// Only in B: show it where B has it.
			r.Rows = append(r.Rows, row(lb[j].name, nil, lb[j].layer))
			j++
		default:
			// A's layer is in B later (or not at all).
			var other *Layer
			if k, ok := posB[la[i].name]; ok {
				other = lb[k].layer
				paired[la[i].name] = true
			}
			r.Rows = append(r.Rows, row(la[i].name, la[i].layer, other))
			i++
		}
	}
	return r
}

type named struct {
	name  string
	layer *Layer
}

func name(ls []named, i int) string {
	if i < len(ls) {
		return ls[i].name
	}
	return ""
}

func layers(g *ir.Graph) []named {
	var out []named
	for _, n := range g.Nodes {
		if n.Op == ir.OpInput {
			continue
		}
		out = append(out, named{n.Name, &Layer{Op: strings.TrimSpace(string(n.Op) + " " + n.Describe()), Shape: n.Shape, Params: n.Params, MACs: n.MACs}})
	}
	return out
}

func index(ls []named) map[string]int {
	m := map[string]int{}
	for i, l := range ls {
		m[l.name] = i
	}
	return m
}

func row(name string, a, b *Layer) Row {
	r := Row{Name: name, A: a, B: b}
	switch {
	case a == nil:
		r.Status = Added
	case b == nil:
		r.Status = Removed
	case a.Op == b.Op && a.Shape.Equal(b.Shape) && a.Params == b.Params && a.MACs == b.MACs:
		r.Status = Same
	default:
		r.Status = Changed
	}
	return r
}

func side(g *ir.Graph) Side {
	p, buf, macs, act := g.Totals()
	return Side{Name: g.Name, File: g.File, Input: g.Input, Params: g.Params,
		Totals: Totals{Params: p, Buffers: buf, MACs: macs, Activations: 4 * act, Output: g.Output().Shape}}
}

// Counts returns how many layers have each status.
func (r *Result) Counts() map[Status]int {
	c := map[Status]int{}
	for _, row := range r.Rows {
		c[row.Status]++
	}
	return c
}

// WriteJSON writes the result as one JSON object: a, b (each with its totals) and layers.
func (r *Result) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// WriteText prints the differing layers (every layer with all) and the totals.
func (r *Result) WriteText(w io.Writer, all bool) error {
	fmt.Fprintf(w, "a: %s\n", describe(r.A))
	fmt.Fprintf(w, "b: %s\n\n", describe(r.B))

	head := []string{"", "layer", "op", "output", "params", "MACs"}
	var cells [][]string
	for _, row := range r.Rows {
		if row.Status == Same && !all {
			continue
		}
		mark := map[Status]string{Same: " ", Changed: "~", Added: "+", Removed: "-"}[row.Status]
		a, b := row.A, row.B
		cells = append(cells, []string{mark, row.Name,
			cell(a, b, func(l *Layer) string { return l.Op }),
			cell(a, b, func(l *Layer) string { return l.Shape.String() }),
			cell(a, b, func(l *Layer) string { return report.Commas(l.Params) }),
			cell(a, b, func(l *Layer) string { return report.Commas(l.MACs) }),
		})
	}
	c := r.Counts()
	if len(cells) == 0 {
		fmt.Fprintf(w, "every layer is the same (%d layers)\n", c[Same])
	} else {
		writeColumns(w, head, cells)
		var notes []string
		for _, s := range []Status{Changed, Added, Removed} {
			if c[s] > 0 {
				notes = append(notes, fmt.Sprintf("%d %s", c[s], s))
			}
		}
		if c[Same] > 0 {
			same := fmt.Sprintf("%d the same", c[Same])
			if !all {
				same += " (not listed; --all lists them)"
			}
			notes = append(notes, same)
		}
		fmt.Fprintf(w, "\nlayers: %s\n", strings.Join(notes, ", "))
	}
	fmt.Fprintln(w)
	ta, tb := r.A.Totals, r.B.Totals
	totals := [][]string{
		total("params", ta.Params, tb.Params, report.Commas),
		total("batchnorm stats", ta.Buffers, tb.Buffers, report.Commas),
		total("MACs", ta.MACs, tb.MACs, report.Commas),
		total("activations", ta.Activations, tb.Activations, report.Bytes),
		{"output", arrow(ta.Output.String(), tb.Output.String()), ""},
	}
	writeColumns(w, nil, totals)
	return nil
}

func describe(s Side) string {
	d := fmt.Sprintf("%s (%s), input %s", s.Name, s.File, s.Input)
	if len(s.Params) > 0 {
		keys := make([]string, 0, len(s.Params))
		for k := range s.Params {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			d += fmt.Sprintf(", %s=%s", k, s.Params[k])
		}
	}
	return d
}

// cell shows one field of a row: "a", or "a → b" when it differs.
func cell(a, b *Layer, f func(*Layer) string) string {
	switch {
	case a == nil:
		return f(b)
	case b == nil:
		return f(a)
	}
	return arrow(f(a), f(b))
}

func arrow(a, b string) string {
	if a == b {
		return a
	}
	return a + " → " + b
}

func total(name string, a, b int64, format func(int64) string) []string {
	change := ""
	if a != b {
		change = signed(b-a, format)
		if a != 0 {
			change += fmt.Sprintf(" (%+.1f%%)", 100*float64(b-a)/float64(a))
		}
	}
	return []string{name, arrow(format(a), format(b)), change}
}

func signed(d int64, format func(int64) string) string {
	if d < 0 {
		return "-" + format(-d)
	}
	return "+" + format(d)
}

// writeColumns aligns cells: text to the left, except numeric columns (params, MACs) to
// the right.
func writeColumns(w io.Writer, head []string, rows [][]string) {
	n := 0
	for _, r := range append([][]string{head}, rows...) {
		n = max(n, len(r))
	}
	width := make([]int, n)
	for _, r := range append([][]string{head}, rows...) {
		for i, c := range r {
			width[i] = max(width[i], len([]rune(c)))
		}
	}
	right := func(i int) bool { return head != nil && (head[i] == "params" || head[i] == "MACs") }
	line := func(r []string) {
		var parts []string
		for i, c := range r {
			pad := strings.Repeat(" ", width[i]-len([]rune(c)))
			if right(i) {
				parts = append(parts, pad+c)
			} else {
				parts = append(parts, c+pad)
			}
		}
		fmt.Fprintln(w, strings.TrimRight(strings.Join(parts, "  "), " "))
	}
	if head != nil {
		line(head)
	}
	for _, r := range rows {
		line(r)
	}
}
