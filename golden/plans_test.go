package golden

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/netc/netc/compiler/plan"
	"github.com/netc/netc/internal/report"
)

// TestPlans pins the compiler's plan of every variant, inference then training, at the
// spec's training batch, as `netc plan` prints it: the passes and whether each changed
// anything, the fused steps, every buffer's offset and live range, the totals. The
// runner's choice of conv algorithm is left out (it depends on the machine), so every
// conv is planned as im2col. Regenerate with `go test ./golden -update`.
func TestPlans(t *testing.T) {
	for _, v := range variants {
		t.Run(v.name, func(t *testing.T) {
			g := compile(t, v)
			batch := max(g.Train.Batch, 1)
			var buf bytes.Buffer
			for i, mode := range []plan.Mode{plan.Inference, plan.Training} {
				p, err := plan.Build(g, plan.Options{Mode: mode, Batch: batch, Check: true})
				if err != nil {
					t.Fatalf("%s: %v", mode, err)
				}
				if i > 0 {
					buf.WriteString("\n")
				}
				report.WritePlan(&buf, p)
			}
			file := filepath.Join("plans", v.name+".txt")
			if *update {
				if err := os.MkdirAll("plans", 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(file, buf.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(file)
			if err != nil {
				t.Fatalf("%v (run go test ./golden -update to create it)", err)
			}
			if !bytes.Equal(buf.Bytes(), want) {
				t.Errorf("the plan of %s differs from %s; if the change is intended, run go test ./golden -update and review the diff\n%s", v.name, file, firstDiff(buf.String(), string(want)))
			}
		})
	}
}
