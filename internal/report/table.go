package report

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"

	"github.com/netc/netc/compiler/ir"
)

// TableOptions shape the per-layer table.
type TableOptions struct {
	// Depth collapses block instances nested deeper than Depth levels into one row each
	// (0 shows every layer).
	Depth int
}

type row struct {
	name, op, shape string
	params, macs    int64
}

// WriteTable prints the per-layer table of `netc check` and its totals.
func WriteTable(w io.Writer, g *ir.Graph, opt TableOptions) error {
	params, buffers, macs, act := g.Totals()
	fmt.Fprintf(w, "%s (%s): input %s, %d classes", g.Name, g.File, g.Input, g.Classes)
	if len(g.Params) > 0 {
		var ps []string
		for _, k := range slices.Sorted(maps.Keys(g.Params)) {
			ps = append(ps, k+"="+g.Params[k])
		}
		fmt.Fprintf(w, ", %s", strings.Join(ps, " "))
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Shapes are per sample (CxHxW). MACs count the multiply-accumulates of conv and linear layers (bias excluded; elementwise ops such as activations, norms and merges count 0); FLOPs = 2 x MACs.")
	fmt.Fprintln(w)

	writeRows(w, rows(g, opt.Depth))
	fmt.Fprintln(w)
	fmt.Fprintf(w, "params            %s trainable (batchnorm affine included)\n", Commas(params))
	fmt.Fprintf(w, "batchnorm stats   %s running means and variances, not trained\n", Commas(buffers))
	fmt.Fprintf(w, "MACs              %s (%s) per sample\n", Commas(macs), Human(float64(macs)))
	fmt.Fprintf(w, "FLOPs             %s (%s) per sample\n", Commas(2*macs), Human(float64(2*macs)))
	fmt.Fprintf(w, "activations       %s per sample (every layer's output, float32, no reuse)\n", Bytes(4*act))
	fmt.Fprintf(w, "weights           %s (float32)\n", Bytes(4*(params+buffers)))
	fmt.Fprintf(w, "output            %s\n", g.Output().Shape)
	return nil
}

// rows lists the table's rows; with depth > 0, nodes inside deeper groups fold into the
// group at that depth, which shows the group's last output and summed counts.
func rows(g *ir.Graph, depth int) []row {
	var out []row
	folded := map[string]int{} // group path -> row index
	for _, n := range g.Nodes {
		if n.Op == ir.OpInput {
			continue
		}
		scope := n.Scope // a merge node's scope already holds its own block
		if depth > 0 && len(scope) >= depth {
			path := scope[depth-1]
			i, ok := folded[path]
			if !ok {
				gr := g.Groups[path]
				label := "branch"
				if gr != nil && gr.Block != "" {
					label = "block " + gr.Block
				}
				out = append(out, row{name: path, op: label})
				i = len(out) - 1
				folded[path] = i
			}
			out[i].shape = n.Shape.String()
			out[i].params += n.Params
			out[i].macs += n.MACs
			continue
		}
		out = append(out, row{name: n.Name, op: strings.TrimSpace(string(n.Op) + " " + n.Describe()), shape: n.Shape.String(), params: n.Params, macs: n.MACs})
	}
	return out
}

// writeRows aligns the table: text columns to the left, numbers to the right.
func writeRows(w io.Writer, rs []row) {
	head := row{name: "layer", op: "op", shape: "output"}
	wName, wOp, wShape, wParams, wMACs := len(head.name), len(head.op), len(head.shape), len("params"), len("MACs")
	for _, r := range rs {
		wName, wOp, wShape = max(wName, len(r.name)), max(wOp, len(r.op)), max(wShape, len(r.shape))
		wParams, wMACs = max(wParams, len(Commas(r.params))), max(wMACs, len(Commas(r.macs)))
	}
	fmt.Fprintf(w, "%-*s  %-*s  %*s  %*s  %*s\n", wName, "layer", wOp, "op", wShape, "output", wParams, "params", wMACs, "MACs")
	for _, r := range rs {
		fmt.Fprintf(w, "%-*s  %-*s  %*s  %*s  %*s\n", wName, r.name, wOp, r.op, wShape, r.shape, wParams, Commas(r.params), wMACs, Commas(r.macs))
	}
}
