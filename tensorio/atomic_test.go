package tensorio

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// failAfter passes the first n bytes through, then fails like a full disk.
type failAfter struct {
	w io.Writer
	n int
}

var errInjected = errors.New("injected write error")

func (f *failAfter) Write(p []byte) (int, error) {
	if len(p) > f.n {
		k, _ := f.w.Write(p[:f.n])
		f.n = 0
		return k, errInjected
	}
	f.n -= len(p)
	return f.w.Write(p)
}

// entries lists a directory's file names.
func entries(t *testing.T, dir string) []string {
	t.Helper()
	des, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, d := range des {
		names = append(names, d.Name())
	}
	return names
}

// TestAtomicWriteFailureKeepsOldFile: a write that fails at any byte offset
// returns the error, leaves the old checkpoint byte-identical and leaves no
// temporary file behind.
func TestAtomicWriteFailureKeepsOldFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "ckpt.safetensors")
	old := []Tensor{named("w", pattern(4))}
	if err := WriteFile(path, old, map[string]string{"step": "1"}); err != nil {
		t.Fatal(err)
	}
	oldBytes, _ := os.ReadFile(path)
	newTensors := fixtureTensors()
	var full bytes.Buffer
	writeSealed(&full, newTensors, fixtureMetadata)
	for _, cut := range []int{0, 1, 7, 8, 100, full.Len() / 2, full.Len() - 1} {
		err := WriteFileAtomic(path, func(w io.Writer) error {
			return writeSealed(&failAfter{w: w, n: cut}, newTensors, fixtureMetadata)
		})
		if !errors.Is(err, errInjected) || !strings.Contains(err.Error(), path) {
			t.Fatalf("cut at %d: error %v, want the injected error naming %s", cut, err, path)
		}
		if got, _ := os.ReadFile(path); !bytes.Equal(got, oldBytes) {
			t.Fatalf("cut at %d: old file changed", cut)
		}
		if names := entries(t, dir); len(names) != 1 {
			t.Fatalf("cut at %d: directory holds %v, want only the old file", cut, names)
		}
	}
	// Invalid input fails before anything is written, too.
	if err := WriteFile(path, []Tensor{{Name: "w", Shape: []int{3}}}, nil); err == nil {
		t.Fatal("WriteFile accepted a shape without data")
	}
	if err := WriteFile(path, newTensors, fixtureMetadata); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(path); !bytes.Equal(got, full.Bytes()) {
		t.Error("successful write did not replace the file")
	}
	if info, _ := os.Stat(path); info.Mode().Perm() != FileMode {
		t.Errorf("mode %v, want %v", info.Mode().Perm(), os.FileMode(FileMode))
	}
	if names := entries(t, dir); len(names) != 1 {
		t.Errorf("directory holds %v after success", names)
	}
}

// TestAtomicWriteReadOnlyDir: in a read-only directory the write fails
// with a permission error and the old file survives. Root ignores
// permission bits, so as root the write runs in a child process as nobody.
func TestAtomicWriteReadOnlyDir(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "ro", "model.safetensors")
	os.Mkdir(filepath.Dir(path), 0o755)
	if err := WriteFile(path, []Tensor{named("w", pattern(2))}, nil); err != nil {
		t.Fatal(err)
	}
	oldBytes, _ := os.ReadFile(path)
	if err := os.Chmod(filepath.Dir(path), 0o555); err != nil {
		t.Fatal(err)
	}
	defer os.Chmod(filepath.Dir(path), 0o755)

	var err error
	if os.Geteuid() != 0 {
		err = WriteFile(path, fixtureTensors(), nil)
	} else {
		err = writeAsNobody(t, dir, path)
	}
	if err == nil || !strings.Contains(err.Error(), "permission denied") {
		t.Fatalf("error %v, want permission denied", err)
	}
	t.Logf("uid %d: %v", os.Geteuid(), err)
	if got, _ := os.ReadFile(path); !bytes.Equal(got, oldBytes) {
		t.Error("old file changed")
	}
	if names := entries(t, filepath.Dir(path)); len(names) != 1 {
		t.Errorf("directory holds %v", names)
	}
}

// writeAsNobody runs TestAtomicWriteReadOnlyDirChild in a copy of this test
// binary as user nobody and returns the error it reports.
func writeAsNobody(t *testing.T, dir, path string) error {
	exe, err := os.Executable()
	if err != nil {
		t.Skip(err)
	}
	// The child must reach the binary and the directory: go test's work
	// directories are private to root.
	bin := filepath.Join(dir, "tensorio.test")
	raw, err := os.ReadFile(exe)
	if err != nil {
		t.Skip(err)
	}
	os.WriteFile(bin, raw, 0o755)
	for d := dir; d != filepath.Dir(d) && strings.HasPrefix(d, os.TempDir()) && d != os.TempDir(); d = filepath.Dir(d) {
		os.Chmod(d, 0o755)
	}
	cmd := exec.Command(bin, "-test.run=^TestAtomicWriteReadOnlyDirChild$")
	cmd.Env = append(os.Environ(), "NETC_TENSORIO_RO_PATH="+path)
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Skipf("cannot run the child as nobody: %v\n%s", err, out)
	}
	_, msg, ok := strings.Cut(string(out), "WRITE ERROR: ")
	if !ok {
		return nil
	}
	msg, _, _ = strings.Cut(msg, "\n")
	return fmt.Errorf("%s", msg)
}

// TestAtomicWriteReadOnlyDirChild is the unprivileged half of
// TestAtomicWriteReadOnlyDir; without its environment variable it does nothing.
func TestAtomicWriteReadOnlyDirChild(t *testing.T) {
	path := os.Getenv("NETC_TENSORIO_RO_PATH")
	if path == "" {
		t.Skip("runs only as the child of TestAtomicWriteReadOnlyDir")
	}
	if err := WriteFile(path, fixtureTensors(), nil); err != nil {
		fmt.Printf("WRITE ERROR: %v\n", err)
	}
}
