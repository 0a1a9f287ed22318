package train

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/netc/netc/internal/data"
	"github.com/netc/netc/internal/data/idx"
)

// writeIDXDir writes the first nTrain training and nTest test images of the embedded
// subset of real Fashion-MNIST as the four IDX files of a data directory.
func writeIDXDir(t *testing.T, nTrain, nTest int) string {
	t.Helper()
	ds, err := data.LoadEmbedded()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	write := func(name string, s *data.Split, n int) {
		hw := s.Height * s.Width
		for _, f := range []struct {
			file string
			idx  *idx.File
		}{
			{name + "-images-idx3-ubyte", &idx.File{Dims: []int{n, s.Height, s.Width}, Data: s.Images[:n*hw]}},
			{name + "-labels-idx1-ubyte", &idx.File{Dims: []int{n}, Data: s.Labels[:n]}},
		} {
			w, err := os.Create(filepath.Join(dir, f.file))
			if err != nil {
				t.Fatal(err)
			}
			if err := idx.Encode(w, f.idx); err != nil {
				t.Fatal(err)
			}
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
		}
	}
	write("train", ds.Train, nTrain)
	write("t10k", ds.Test, nTest)
	return dir
}
