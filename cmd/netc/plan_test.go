package main

import (
	"strings"
	"testing"
)

// `netc plan --passes` says after each pass whether it changed the graph; LeNet-BN's
// batchnorms follow convs and linears (they fold), and it has no concat.
func TestPlanPassesShowChanges(t *testing.T) {
	out, stderr, code := netc(t, "plan", "specs/lenet-bn.toml", "--passes")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{
		"== after fold-batchnorm (changed): fold a batchnorm",
		"== after eliminate-concat (no change): branches write",
		"== after deadcode (changed):",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("no %q in\n%s", want, out)
		}
	}
	out, _, _ = netc(t, "plan", "specs/lenet-bn.toml")
	if !strings.Contains(out, "passes: alias, fold-batchnorm, fuse-batchnorm-relu (no change),") {
		t.Errorf("the passes line does not mark passes that changed nothing:\n%s", out)
	}
	// A required pass is a usage error (exit 2), named as such.
	if _, stderr, code := netc(t, "plan", "specs/lenet-bn.toml", "--disable", "deadcode"); code != 2 || !strings.Contains(stderr, `--disable: pass "deadcode" is required`) {
		t.Errorf("--disable deadcode: exit %d: %s", code, stderr)
	}
}

// `netc plan` reports what running the plan takes besides the arena, for --threads:
// folded and packed weights at inference, per-thread scratch beyond the first thread,
// and the total the runner checks against the memory available.
func TestPlanReportsMemoryOutsideTheArena(t *testing.T) {
	out, stderr, code := netc(t, "plan", "specs/resnet18.toml", "--batch", "4", "--threads", "2")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{"kernels and 2 threads:", "\nfolded ", "\npacked ", "\nper thread ", "x 1 more", "\nGEMM ", "\nto run "} {
		if !strings.Contains(out, want) {
			t.Errorf("no %q in the inference plan's totals:\n%s", want, out[strings.LastIndex(out, "arena "):])
		}
	}
	out, _, _ = netc(t, "plan", "specs/resnet18.toml", "--batch", "4", "--train", "--threads", "1")
	tail := out[strings.LastIndex(out, "arena "):]
	if strings.Contains(tail, "packed") || strings.Contains(tail, "per thread") || !strings.Contains(tail, "1 thread:") {
		t.Errorf("a training plan on one thread lists no packed weights and no per-thread scratch:\n%s", tail)
	}
	if !strings.Contains(tail, "\nshared panels ") {
		t.Errorf("a training plan lists no shared panels for its forward passes:\n%s", tail)
	}
}
