package golden

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/netc/netc/compiler"
)

// TestBrokenSpecs pins the exact diagnostics (position and message) for each spec in
// testdata/broken. Each NAME.toml has a NAME.err beside it holding the expected lines; they
// were checked by hand against the spec (line and column counted in the file, message read
// for what it says), so an -update must be reviewed the same way.
func TestBrokenSpecs(t *testing.T) {
	files, err := filepath.Glob("../testdata/broken/*.toml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no broken specs found: %v", err)
	}
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".toml")
		t.Run(name, func(t *testing.T) {
			src, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			rel := "testdata/broken/" + name + ".toml"
			_, err = compiler.CheckSource(rel, src, compiler.Options{})
			if err == nil {
				t.Fatal("the spec was accepted; every spec in testdata/broken must be rejected")
			}
			d := compiler.Diagnostics(err)
			if d == nil {
				t.Fatalf("expected diagnostics, got %T: %v", err, err)
			}
			for _, x := range d {
				if !x.Pos.IsValid() {
					t.Errorf("diagnostic without a line: %s", x)
				}
			}
			got := d.Error() + "\n"
			errFile := strings.TrimSuffix(f, ".toml") + ".err"
			if *update {
				if err := os.WriteFile(errFile, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(errFile)
			if err != nil {
				t.Fatal(err)
			}
			if got != string(want) {
				t.Errorf("diagnostics differ from %s\ngot:\n%swant:\n%s", errFile, got, want)
			}
		})
	}
}
