package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// specPath names a spec of specs/ as the tests' netc (run from the repository root) sees it.
func specPath(name string) string { return "specs/" + name + ".toml" }

// badSpec writes a spec with one mistake on line 5 (a 0x0 kernel) and returns its path.
func badSpec(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "bad.toml")
	src := "name = \"bad\"\ninput = { channels = 1, height = 8, width = 8 }\nclasses = 2\nlayers = [\n  { op = \"conv\", out = 2, k = 0 },\n  { op = \"flatten\" }, { op = \"linear\", out = \"classes\" },\n]\n"
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// afterFirstLine drops the header line of `netc check`, which names the file.
func afterFirstLine(s string) string {
	_, rest, _ := strings.Cut(s, "\n")
	return rest
}

func TestExpandRoundTrip(t *testing.T) {
	specs, _ := filepath.Glob(filepath.Join("..", "..", "specs", "*.toml"))
	for i, s := range specs {
		specs[i] = specPath(strings.TrimSuffix(filepath.Base(s), ".toml"))
	}
	if len(specs) < 9 {
		t.Fatalf("found %d specs", len(specs))
	}
	type run struct {
		spec string
		set  []string
	}
	var runs []run
	for _, s := range specs {
		runs = append(runs, run{s, nil})
	}
	runs = append(runs, run{specPath("vgg11"), []string{"--set", "ratio=4"}}, run{specPath("densenet"), []string{"--set", "growth=12", "--input", "64"}})
	dir := t.TempDir()
	for i, r := range runs {
		want, stderr, code := netc(t, append([]string{"check", r.spec}, r.set...)...)
		if code != 0 {
			t.Fatalf("check %s: exit %d: %s", r.spec, code, stderr)
		}
		expanded, stderr, code := netc(t, append([]string{"expand", r.spec}, r.set...)...)
		if code != 0 {
			t.Fatalf("expand %s: exit %d: %s", r.spec, code, stderr)
		}
		path := filepath.Join(dir, filepath.Base(r.spec)+string(rune('a'+i))+".toml")
		if err := os.WriteFile(path, []byte(expanded), 0o644); err != nil {
			t.Fatal(err)
		}
		got, stderr, code := netc(t, "check", path)
		if code != 0 {
			t.Fatalf("check of the expanded %s: exit %d: %s", r.spec, code, stderr)
		}
		if afterFirstLine(got) != afterFirstLine(want) {
			t.Errorf("%s %v: the expanded spec's table differs:\n%s\n---\n%s", r.spec, r.set, want, got)
		}
	}
}

func TestExpandErrors(t *testing.T) {
	_, stderr, code := netc(t, "expand", badSpec(t))
	if code != 1 || !strings.Contains(stderr, "bad.toml:5:") {
		t.Errorf("a wrong spec: exit %d, stderr %q; want 1 and its file:line:col", code, stderr)
	}
	if _, stderr, code := netc(t, "expand", specPath("vgg11"), "--set", "ration=4"); code != 2 || !strings.Contains(stderr, `"ratio"`) {
		t.Errorf("a misspelt --set: exit %d, stderr %q; want 2 and a suggestion", code, stderr)
	}
	if _, _, code := netc(t, "expand"); code != 2 {
		t.Errorf("no spec: exit %d, want 2", code)
	}
	if out, _, code := netc(t, "expand", "--help"); code != 0 || !strings.Contains(out, "netc expand specs/vgg11.toml --set ratio=4") {
		t.Errorf("help: exit %d without examples:\n%s", code, out)
	}
}
