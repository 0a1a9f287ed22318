package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/netc/netc/compiler/ir"
	"github.com/netc/netc/compiler/plan"
)

// WritePlan prints a plan as `netc plan` shows it: the passes that ran (and which of them
// changed nothing), the steps with the layers each one computes, every buffer's size,
// offset and live range, and the totals.
func WritePlan(w io.Writer, p *plan.Plan) {
	fmt.Fprintf(w, "%s: %s plan, batch %d, %d steps\n", p.Spec, p.Mode, p.Batch, len(p.Steps))
	var passes []string
	for _, r := range p.Passes {
		if r.Changed {
			passes = append(passes, r.Name)
		} else {
			passes = append(passes, r.Name+" (no change)")
		}
	}
	fmt.Fprintf(w, "passes: %s\n\n", strings.Join(passes, ", "))
	rows := [][]string{{"step", "op", "computes", "output", "buffer"}}
	for _, s := range p.Steps {
		v := p.Values[s.Out]
		rows = append(rows, []string{s.Name, s.Label(), strings.Join(s.Fused, ", "), ir.Shape(v.Shape).String(), fmt.Sprintf("#%d", v.At.Buffer)})
	}
	WriteColumns(w, rows)
	fmt.Fprintln(w)
	sched := p.Schedule()
	rows = [][]string{{"buffer", "kind", "for", "bytes", "offset", "live"}}
	for _, b := range p.Buffers {
		if b.First < 0 {
			continue
		}
		live := sched[b.First]
		if b.Last != b.First {
			live += " .. " + sched[b.Last]
		}
		rows = append(rows, []string{fmt.Sprintf("#%d", b.ID), b.Kind, b.Name, Commas(b.Bytes), Commas(b.Offset), live})
	}
	WriteColumns(w, rows)
	params := int64(0)
	for _, t := range p.Params {
		n := int64(4)
		for _, d := range t.Shape {
			n *= int64(d)
		}
		params += n
	}
	fmt.Fprintln(w)
	fmt.Fprintf(w, "arena         %s  (%.3f x the lower bound)\n", Bytes(p.ArenaBytes), float64(p.ArenaBytes)/float64(p.LowerBoundBytes))
	fmt.Fprintf(w, "naive         %s  (every tensor its own buffer: %.1f x the arena)\n", Bytes(p.NaiveBytes), float64(p.NaiveBytes)/float64(p.ArenaBytes))
	fmt.Fprintf(w, "lower bound   %s  (the most bytes live at once over this schedule)\n", Bytes(p.LowerBoundBytes))
	fmt.Fprintf(w, "parameters    %s  outside the arena", Bytes(params))
	if p.Mode == plan.Training {
		fmt.Fprintf(w, ", plus as much again for gradients (and for momentum, if used)")
	}
	fmt.Fprintln(w)
}

// WriteColumns prints rows with columns padded to their widest cell.
func WriteColumns(w io.Writer, rows [][]string) {
	width := make([]int, len(rows[0]))
	for _, r := range rows {
		for i, c := range r {
			width[i] = max(width[i], len(c))
		}
	}
	for _, r := range rows {
		var b strings.Builder
		for i, c := range r {
			if i > 0 {
				b.WriteString("  ")
			}
			if i == len(r)-1 {
				b.WriteString(c)
			} else {
				fmt.Fprintf(&b, "%-*s", width[i], c)
			}
		}
		fmt.Fprintln(w, strings.TrimRight(b.String(), " "))
	}
}
