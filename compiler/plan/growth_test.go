//go:build unix

package plan

import (
	"fmt"
	"runtime"
	"syscall"
	"testing"
	"time"

	"github.com/netc/netc/compiler"
	"github.com/netc/netc/compiler/ir"
)

// deepNet is a chain of n residual blocks (conv, batchnorm+relu, conv, batchnorm, add,
// relu) on a tiny input, so that every pass fires all along it and the plan's cost is
// the compiler's, not the tensors'.
func deepNet(t testing.TB, n int) *ir.Graph {
	t.Helper()
	src := fmt.Sprintf(`name = "deep"
input = { channels = 4, height = 4, width = 4 }
classes = 4
layers = [ { use = "res", repeat = %d }, { op = "flatten" }, { op = "dropout" }, { op = "linear", out = "classes" } ]
[blocks.res]
merge = "add"
after = [ { op = "relu" } ]
[blocks.res.branches]
main = [ { op = "conv", out = 4, k = 3, pad = 1 }, { op = "batchnorm", act = "relu" },
         { op = "conv", out = 4, k = 3, pad = 1 }, { op = "batchnorm" } ]
skip = []
`, n)
	g, err := compiler.CheckSource("deep.toml", []byte(src), compiler.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// Planning must grow about linearly with depth: 40k layers once took tens of seconds,
// because storage lookups followed chains, "does anything live here" scanned every
// value, and the memory planner scanned every placed buffer. Four times the layers may
// take at most eight times as long (a quadratic planner takes sixteen). The time is the
// process's CPU time, not the wall clock, and each size is timed three times and the
// fastest counts, so that a busy machine does not decide the outcome.
func TestPlanningTimeGrowsNearLinearly(t *testing.T) {
	smallNet, largeNet := deepNet(t, 500), deepNet(t, 2000)
	for _, mode := range []Mode{Inference, Training} {
		fastest := func(g *ir.Graph) time.Duration {
			best := time.Duration(1 << 62)
			for range 3 {
				runtime.GC() // a collection owed by the last run must not land in this one
				start := cpuTime(t)
				if _, err := Build(g, Options{Mode: mode, Batch: 1}); err != nil {
					t.Fatal(err)
				}
				best = min(best, cpuTime(t)-start)
			}
			return best
		}
		small, large := fastest(smallNet), fastest(largeNet)
		ratio := float64(large) / float64(small)
		t.Logf("%s: %v of CPU for 500 blocks (3000 layers), %v for 2000 (x%.1f)", mode, small, large, ratio)
		if ratio > 8 {
			t.Errorf("%s: 4x the layers took %.1fx as long (%v -> %v); want at most 8x", mode, ratio, small, large)
		}
	}
}

// cpuTime is the CPU time the process has used so far, in all its threads.
func cpuTime(t *testing.T) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		t.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
