package userfile

import (
	"errors"
	"net"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// nonRegular makes one of each kind of path that is not a regular file.
func nonRegular(t *testing.T) map[string]string {
	t.Helper()
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	sock := filepath.Join(dir, "sock")
	l, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	return map[string]string{
		fifo:       "a named pipe (FIFO)",
		sock:       "a socket",
		dir:        "a directory",
		os.DevNull: "a character device",
	}
}

// TestOpenRefusesNonRegularAtOnce: a FIFO without a writer, a socket, a directory and a
// device are each refused, naming what they are, well within a second (os.Open of the
// FIFO alone would block forever).
func TestOpenRefusesNonRegularAtOnce(t *testing.T) {
	for path, kind := range nonRegular(t) {
		start := time.Now()
		done := make(chan error, 1)
		go func() {
			f, err := Open(path)
			if err == nil {
				f.Close()
			}
			done <- err
		}()
		select {
		case err := <-done:
			var nr *NotRegularError
			if !errors.As(err, &nr) || nr.Kind != kind || !strings.Contains(err.Error(), path+" is "+kind+", not a regular file") {
				t.Errorf("%s: error %v, want one saying it is %s", path, err, kind)
			}
			if d := time.Since(start); d > time.Second {
				t.Errorf("%s: refused after %v", path, d)
			}
		case <-time.After(2 * time.Second):
			t.Fatalf("%s: Open still blocked after 2s", path)
		}
		if _, err := ReadFile(path, 1<<20); err == nil {
			t.Errorf("%s: ReadFile accepted it", path)
		}
		if err := Check(path); err == nil {
			t.Errorf("%s: Check accepted it", path)
		}
	}
}

// TestOpenReadsRegularFiles: regular files, directly or through a symbolic link, read
// whole; a missing file keeps os's not-exist error; ReadFile enforces its limit.
func TestOpenReadsRegularFiles(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "w")
	want := strings.Repeat("netc", 50_000) // larger than one read
	if err := os.WriteFile(path, []byte(want), 0o644); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link")
	if err := os.Symlink(path, link); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{path, link} {
		got, err := ReadFile(p, int64(len(want)))
		if err != nil || string(got) != want {
			t.Errorf("%s: read %d bytes, err %v", p, len(got), err)
		}
		if err := Check(p); err != nil {
			t.Errorf("%s: %v", p, err)
		}
	}
	if _, err := ReadFile(path, int64(len(want))-1); err == nil || !strings.Contains(err.Error(), "larger than 199999 bytes") {
		t.Errorf("over the limit: %v", err)
	}
	if _, err := Open(filepath.Join(dir, "missing")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: %v", err)
	}
	if err := Check(filepath.Join(dir, "missing")); err != nil {
		t.Errorf("Check of a missing file: %v", err)
	}
}
