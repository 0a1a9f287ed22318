package data

import (
	"os"
	"path/filepath"
	"testing"
	"unicode/utf8"
)

// FuzzCIFAR: any bytes as a CIFAR-10 batch file give an error of reasonable length or
// whole records with labels in range, never a panic.
func FuzzCIFAR(f *testing.F) {
	record := make([]byte, cifarRecord)
	record[0] = 3
	f.Add(record)
	f.Add(append(append([]byte{}, record...), record[:100]...))
	f.Add([]byte{})
	f.Add([]byte{200})
	path := filepath.Join(f.TempDir(), "data_batch_1.bin")
	f.Fuzz(func(t *testing.T, raw []byte) {
		if err := os.WriteFile(path, raw, 0o644); err != nil {
			t.Fatal(err)
		}
		s, err := readCIFARFiles([]string{path}, 10)
		if err != nil {
			if msg := err.Error(); len(msg) > 500 || !utf8.ValidString(msg) {
				t.Fatalf("unhelpful error %q", msg)
			}
			return
		}
		if s.N*cifarRecord != len(raw) || len(s.Images) != s.N*3*cifarSide*cifarSide || len(s.Labels) != s.N {
			t.Fatalf("accepted %d bytes as %d images (%d pixels, %d labels)", len(raw), s.N, len(s.Images), len(s.Labels))
		}
		for i, l := range s.Labels {
			if l >= 10 {
				t.Fatalf("label %d of image %d accepted", l, i)
			}
		}
	})
}
