package golden

import (
	"os/exec"
	"strings"
	"testing"
)

// TestNoBackEdgesToTheFrontEnd holds the pipeline one-way: what runs or writes a
// compiled network (the runner, the kernels, the exporters and importer, the ops, the
// data) gets a graph or a plan and never reaches back into the front end that reads and
// checks spec files, nor (except the exporters, which lay out modules by the spec's
// blocks) into the presentation the CLI prints with. The graph (compiler/ir, with its
// diagnostics positions) and the plan (compiler/plan, with its arena planner) are what
// the front end hands down.
func TestNoBackEdgesToTheFrontEnd(t *testing.T) {
	const mod = "github.com/netc/netc/"
	allowed := map[string]bool{
		mod + "compiler/ir": true, mod + "compiler/plan": true,
		mod + "compiler/internal/diag": true, mod + "compiler/internal/memplan": true,
	}
	presentation := map[string]bool{"internal/report": true, "internal/draw": true, "internal/compare": true,
		"internal/structure": true, "internal/unfold": true}
	for _, pattern := range []string{"./runner/...", "./kernels/...", "./internal/export/...", "./internal/ops", "./internal/data/..."} {
		out, err := exec.Command("go", "list", "-deps", "-f", "{{.ImportPath}}", "../"+strings.TrimPrefix(pattern, "./")).CombinedOutput()
		if err != nil {
			if strings.Contains(string(out), "matched no packages") {
				continue
			}
			t.Fatalf("go list %s: %v\n%s", pattern, err, out)
		}
		for _, dep := range strings.Fields(string(out)) {
			if strings.HasPrefix(dep, mod+"compiler") && !allowed[dep] {
				t.Errorf("%s depends on %s, part of the front end", pattern, dep)
			}
			if presentation[strings.TrimPrefix(dep, mod)] && !strings.Contains(pattern, "export") {
				t.Errorf("%s depends on %s, part of the presentation", pattern, dep)
			}
		}
	}
}
