package train

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// lockFile is the file a run holds an exclusive flock on while it trains, so that two
// processes never write one run directory. It stays behind (removing it would race with a
// process about to lock it); it is empty.
const lockFile = ".lock"

// DefaultRunsDir is where runs go when Config.Out is empty.
const DefaultRunsDir = "runs"

// createRunDir makes the run directory: out itself (new, or existing and empty), or when
// out is "" a fresh runs/<spec>-<time>[-N]. Names are claimed with an exclusive mkdir, so
// two runs started in the same second get different directories.
func createRunDir(out, spec string, now time.Time) (dir string, err error) {
	if out != "" {
		if err := os.MkdirAll(filepath.Dir(filepath.Clean(out)), 0o755); err != nil {
			return "", err
		}
		if err := os.Mkdir(out, 0o755); err == nil || !errors.Is(err, fs.ErrExist) {
			return out, err
		}
		return out, checkEmpty(out)
	}
	if err := os.MkdirAll(DefaultRunsDir, 0o755); err != nil {
		return "", err
	}
	name := strings.TrimSuffix(filepath.Base(spec), filepath.Ext(spec)) + "-" + now.Format("20060102-150405")
	base := filepath.Join(DefaultRunsDir, name)
	for i := 1; i < 1000; i++ {
		dir = base
		if i > 1 {
			dir = fmt.Sprintf("%s-%d", base, i)
		}
		err := os.Mkdir(dir, 0o755)
		if err == nil {
			return dir, nil
		}
		if !errors.Is(err, fs.ErrExist) {
			return "", err
		}
	}
	return "", fmt.Errorf("%s-2 to -999 are all taken; give --out", base)
}

// checkEmpty refuses an existing directory that holds anything but a lock file: netc
// train writes metrics.csv, spec.toml and others there and must not replace a user's files.
func checkEmpty(dir string) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("--out %s: %w", dir, err)
	}
	var names []string
	for _, e := range entries {
		if e.Name() == CheckpointFile {
			return fmt.Errorf("%s already holds a run; continue it with --resume %s, or choose another --out", dir, dir)
		}
		if e.Name() != lockFile {
			names = append(names, e.Name())
		}
	}
	if len(names) > 0 {
		if len(names) > 3 {
			names = append(names[:3], "...")
		}
		return fmt.Errorf("%s is not empty (it holds %s); a run needs a new or empty directory, so choose another --out", dir, strings.Join(names, ", "))
	}
	return nil
}

// lockRunDir takes the run directory's lock without waiting; the returned file holds it
// until closed (or the process ends, however it ends).
func lockRunDir(dir string) (*os.File, error) {
	f, err := os.OpenFile(filepath.Join(dir, lockFile), os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, fmt.Errorf("%s is in use by another netc train; wait for it to finish, or choose another directory", dir)
		}
		return nil, fmt.Errorf("locking %s: %w", dir, err)
	}
	return f, nil
}

// removeStaleTemps deletes the temporary files of writes that a crash interrupted
// (tensorio.WriteFileAtomic names them .NAME.tmp-*). Only a holder of the run's lock calls
// it, so no write of this directory is in progress.
func removeStaleTemps(dir string) error {
	matches, err := filepath.Glob(filepath.Join(dir, ".*.tmp-*"))
	if err != nil {
		return err
	}
	for _, m := range matches {
		if err := os.Remove(m); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
	}
	return nil
}
