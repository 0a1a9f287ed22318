package main

import (
	"strings"
	"testing"
)

// TestNonFiniteNumbers: nan and inf in a numeric spec field are refused with their
// position by every command that reads a spec, exit 1, rather than crash the schema
// validator.
func TestNonFiniteNumbers(t *testing.T) {
	const spec = "testdata/broken/non_finite.toml"
	for _, args := range [][]string{
		{"check", spec}, {"plan", spec}, {"export", spec, "--format", "pytorch", "--out", t.TempDir()},
	} {
		_, stderr, code := netc(t, args...)
		if code != 1 || !strings.Contains(stderr, spec+":16:16: train.lr: expected a finite number, found nan") ||
			strings.Contains(stderr, "panic") {
			t.Errorf("netc %s: exit %d, stderr:\n%s\nwant exit 1 naming train.lr at 16:16", strings.Join(args, " "), code, stderr)
		}
	}
}
