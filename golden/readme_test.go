package golden

import (
	"os"
	"strings"
	"testing"

	"github.com/netc/netc/compiler/ir"
)

// TestReadmeListsEveryOp keeps the README's op table in step with the op table in
// compiler/ir: an op or attribute added to one and not the other fails here.
func TestReadmeListsEveryOp(t *testing.T) {
	raw, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	readme := string(raw)
	for _, s := range ir.Specs() {
		if !strings.Contains(readme, "`"+string(s.Op)+"`") {
			t.Errorf("README does not list op %q", s.Op)
		}
		for _, a := range s.Attrs {
			if !strings.Contains(readme, "`"+a.Name+"`") {
				t.Errorf("README does not mention attribute %q of %s", a.Name, s.Op)
			}
		}
	}
}
