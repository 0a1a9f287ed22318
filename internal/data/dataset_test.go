package data

import (
	"bytes"
	"compress/gzip"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/netc/netc/internal/data/idx"
)

// writeSet writes the first n train and test images of the embedded subset
// to dir as IDX files, gzip-compressed or raw.
func writeSet(t *testing.T, dir string, n int, compress bool) {
	t.Helper()
	ds := embeddedSet(t)
	for _, f := range []struct {
		base string
		file *idx.File
	}{
		{trainImagesFile, &idx.File{Dims: []int{n, 28, 28}, Data: ds.Train.Images[:n*784]}},
		{trainLabelsFile, &idx.File{Dims: []int{n}, Data: ds.Train.Labels[:n]}},
		{testImagesFile, &idx.File{Dims: []int{n, 28, 28}, Data: ds.Test.Images[:n*784]}},
		{testLabelsFile, &idx.File{Dims: []int{n}, Data: ds.Test.Labels[:n]}},
	} {
		var buf bytes.Buffer
		name := f.base
		if compress {
			zw := gzip.NewWriter(&buf)
			if err := idx.Encode(zw, f.file); err != nil {
				t.Fatal(err)
			}
			zw.Close()
			name += ".gz"
		} else if err := idx.Encode(&buf, f.file); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// TestLocateOrder: --data, then $NETC_DATA, then the system directory, then
// the embedded subset; a named directory that lacks the files is an error.
func TestLocateOrder(t *testing.T) {
	flagDir, envDir, sysDir := t.TempDir(), t.TempDir(), t.TempDir()
	writeSet(t, flagDir, 30, true)
	writeSet(t, envDir, 20, false)
	writeSet(t, sysDir, 10, true)
	missing := filepath.Join(t.TempDir(), "absent")
	empty := t.TempDir()
	tests := []struct {
		name                 string
		flag, env, system    string
		origin               Origin
		source, errSubstring string
	}{
		{"flag wins", flagDir, envDir, sysDir, FromFlag, "IDX data from " + flagDir + " (--data) (30 train / 30 test)", ""},
		{"env next", "", envDir, sysDir, FromEnv, "IDX data from " + envDir + " ($NETC_DATA) (20 train / 20 test)", ""},
		{"system next", "", "", sysDir, FromSystem, "Fashion-MNIST from " + sysDir + " (10 train / 10 test)", ""},
		{"embedded last", "", "", missing, FromEmbedded, "embedded Fashion-MNIST subset (10,000 train / 2,000 test)", ""},
		{"flag dir missing", missing, envDir, sysDir, 0, "", "missing train-images-idx3-ubyte.gz (or train-images-idx3-ubyte)"},
		{"env dir empty", "", empty, sysDir, 0, "", "($NETC_DATA): missing train-images-idx3-ubyte.gz"},
		{"system dir broken", "", "", empty, 0, "", "Fashion-MNIST from " + empty + ": missing"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ds, err := locate(tt.flag, tt.env, tt.system)
			if tt.errSubstring != "" {
				if err == nil || !strings.Contains(err.Error(), tt.errSubstring) {
					t.Fatalf("error %v, want %q", err, tt.errSubstring)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if ds.Origin != tt.origin || ds.Source != tt.source {
				t.Errorf("origin %d source %q, want %d %q", ds.Origin, ds.Source, tt.origin, tt.source)
			}
		})
	}
}

// TestLoadReadsEnv: Load consults $NETC_DATA when no directory is given.
func TestLoadReadsEnv(t *testing.T) {
	dir := t.TempDir()
	writeSet(t, dir, 5, true)
	t.Setenv(EnvVar, dir)
	ds, err := Load("")
	if err != nil {
		t.Fatal(err)
	}
	if ds.Origin != FromEnv || ds.Train.N != 5 || !bytes.Equal(ds.Train.Image(4), embeddedSet(t).Train.Image(4)) {
		t.Errorf("Load read %s, want the 5 images written to $NETC_DATA", ds.Source)
	}
}

// TestLoadDirCountMismatch: a label file that disagrees with its image file
// is named in the error.
func TestLoadDirCountMismatch(t *testing.T) {
	dir := t.TempDir()
	writeSet(t, dir, 8, false)
	var buf bytes.Buffer
	idx.Encode(&buf, &idx.File{Dims: []int{7}, Data: embeddedSet(t).Test.Labels[:7]})
	os.WriteFile(filepath.Join(dir, testLabelsFile), buf.Bytes(), 0o644)
	_, err := LoadDir(dir, FromFlag)
	want := "t10k-images-idx3-ubyte holds 8 images but " + filepath.Join(dir, testLabelsFile) + " holds 7 labels"
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("error %v, want %q", err, want)
	}
}
