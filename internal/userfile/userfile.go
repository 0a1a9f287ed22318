// Package userfile opens the files a user names (specs, weights, checkpoints, data,
// images) so that a path which is not a regular file is refused at once. Opening a named
// pipe for reading blocks until a writer appears, and reading a device such as /dev/zero
// never ends: both would hang netc instead of reporting the mistake.
package userfile

import (
	"fmt"
	"io"
	"io/fs"
	"os"
	"syscall"
)

// NotRegularError says what a path is instead of a regular file.
type NotRegularError struct {
	Path string
	Kind string // "a named pipe (FIFO)", "a directory", ...
}

func (e *NotRegularError) Error() string {
	return fmt.Sprintf("%s is %s, not a regular file", e.Path, e.Kind)
}

// Open opens path for reading when it is a regular file (or a symbolic link to one). It
// opens with O_NONBLOCK, so a FIFO does not block the open, and checks the type of what
// was opened (not of what a separate stat saw, which could be swapped in between). The
// returned file reads normally: O_NONBLOCK has no effect on regular files.
func Open(path string) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		// A socket cannot be opened at all (ENXIO); name what it is rather than the errno.
		if st, serr := os.Stat(path); serr == nil && !st.Mode().IsRegular() {
			return nil, &NotRegularError{Path: path, Kind: kind(st.Mode())}
		}
		return nil, err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	if !st.Mode().IsRegular() {
		f.Close()
		return nil, &NotRegularError{Path: path, Kind: kind(st.Mode())}
	}
	return f, nil
}

// ReadFile is os.ReadFile through Open, refusing files larger than limit bytes.
func ReadFile(path string, limit int64) ([]byte, error) {
	f, err := Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	raw, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(raw)) > limit {
		return nil, fmt.Errorf("%s is larger than %d bytes", path, limit)
	}
	return raw, nil
}

// Check refuses a path that exists and is not a regular file, without opening it; a
// missing path passes (the caller reports it in its own words).
func Check(path string) error {
	st, err := os.Stat(path)
	if err == nil && !st.Mode().IsRegular() {
		return &NotRegularError{Path: path, Kind: kind(st.Mode())}
	}
	return nil
}

func kind(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "a directory"
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe (FIFO)"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeCharDevice != 0:
		return "a character device"
	case m&fs.ModeDevice != 0:
		return "a block device"
	}
	return "a special file"
}
