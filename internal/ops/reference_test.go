package ops

import (
	"flag"
	"os"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the op reference in docs/spec.md")

const (
	refBegin = "<!-- BEGIN OPS: generated from package ops by `go test ./internal/ops -update`; edit the declarations, not this -->\n"
	refEnd   = "<!-- END OPS -->"
)

// TestReferenceUpToDate keeps docs/spec.md's op reference what the declarations say.
func TestReferenceUpToDate(t *testing.T) {
	const path = "../../docs/spec.md"
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	doc := string(raw)
	i, j := strings.Index(doc, refBegin), strings.Index(doc, refEnd)
	if i < 0 || j < i {
		t.Fatalf("%s has no generated op reference between %q and %q", path, strings.TrimSpace(refBegin), refEnd)
	}
	want := doc[:i+len(refBegin)] + Reference() + doc[j:]
	if want == doc {
		return
	}
	if *update {
		if err := os.WriteFile(path, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Errorf("%s's op reference is out of date with package ops: run `go test ./internal/ops -update` and review the diff", path)
}
