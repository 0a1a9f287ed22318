package statedict

import (
	"archive/zip"
	"bytes"
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// FuzzLoad: any input, read as a torch.save checkpoint or a safetensors file, and run
// directly through the unpickler (a zip's checksums would stop most mutations of the
// pickle inside it), gives a state dict or an error: never a panic, and never an
// allocation out of proportion to the input (a pickle builds at most a few small objects
// per byte; tensors are bounded by the file). Seeds: small real checkpoints of both
// formats, their pickles, and hostile pickles.
func FuzzLoad(f *testing.F) {
	for _, name := range []string{"swap.pt", "swap.safetensors", "dtypes.pt"} {
		raw, err := os.ReadFile(filepath.Join("testdata", "tv", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(raw)
		if z, err := zip.NewReader(bytes.NewReader(raw), int64(len(raw))); err == nil {
			for _, e := range z.File {
				if filepath.Base(e.Name) == "data.pkl" {
					pkl, err := readEntry(e)
					if err != nil {
						f.Fatal(err)
					}
					f.Add(pkl)
				}
			}
		}
	}
	for _, pkl := range [][]byte{
		tensorPickle(4, 4), tensorPickle(1<<30, 4),
		pickleOps(byte(0x80), byte(2), global("os", "system"), "id", byte(0x85), byte('R'), byte('.')),
	} {
		var b bytes.Buffer
		w := zip.NewWriter(&b)
		for _, e := range []zipEntry{{"a/data.pkl", pkl, zip.Store}, {"a/data/0", make([]byte, 16), zip.Store}} {
			fw, _ := w.CreateHeader(&zip.FileHeader{Name: e.name, Method: e.method})
			fw.Write(e.data)
		}
		w.Close()
		f.Add(b.Bytes())
		f.Add(pkl)
	}
	f.Fuzz(func(t *testing.T, input []byte) {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		src, err := load(bytes.NewReader(input), int64(len(input)))
		runtime.ReadMemStats(&after)
		if grew := after.TotalAlloc - before.TotalAlloc; grew > 128*uint64(len(input))+4<<20 {
			t.Fatalf("allocated %d bytes for a %d-byte input", grew, len(input))
		}
		runtime.ReadMemStats(&before)
		obj, perr := unpickle(input)
		if perr == nil {
			stateDict(obj)
		}
		runtime.ReadMemStats(&after)
		if grew := after.TotalAlloc - before.TotalAlloc; grew > 128*uint64(len(input))+4<<20 {
			t.Fatalf("unpickling allocated %d bytes for a %d-byte input", grew, len(input))
		}
		if err != nil {
			return
		}
		for _, x := range src.Tensors {
			if size(x.Shape) != len(x.Data) {
				t.Fatalf("%s: shape %v with %d values", x.Name, x.Shape, len(x.Data))
			}
		}
	})
}
