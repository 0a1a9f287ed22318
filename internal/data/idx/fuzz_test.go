package idx

import (
	"bytes"
	"os"
	"runtime"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzDecode: on any input Decode returns data or an error naming the input,
// never panics, and allocates in proportion to the input (not to what a
// header claims).
// `go test` runs only the seeds; `go test -fuzz=FuzzDecode` explores.
func FuzzDecode(f *testing.F) {
	realFile, err := os.ReadFile(realLabels)
	if err != nil {
		f.Fatal(err)
	}
	valid := append(header(8, 3, 1, 2, 2), 1, 2, 3, 4)
	for _, seed := range [][]byte{
		realFile, valid, gz(f, valid), nil,
		header(8, 3, 1<<24, 1<<24, 1<<24),
		header(8, 3, 0xffffffff, 0xffffffff, 0xffffffff),
		header(8, 3, 65536, 65536, 1),
		header(8, 1, 2147483647),
		gz(f, header(8, 3, 1<<24, 28, 28)),
	} {
		f.Add(seed, uint8(3))
		f.Add(seed, uint8(1))
	}
	f.Fuzz(func(t *testing.T, input []byte, dims uint8) {
		wantDims := int(dims%4) + 1
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		got, err := Decode(bytes.NewReader(input), "fuzz", wantDims)
		runtime.ReadMemStats(&after)
		if err == nil && len(got.Dims) != wantDims {
			t.Fatalf("decoded %d dims, asked for %d", len(got.Dims), wantDims)
		}
		if err != nil {
			if msg := err.Error(); len(msg) > 300 || !utf8.ValidString(msg) || !strings.HasPrefix(msg, "fuzz: ") {
				t.Fatalf("unhelpful error %q", msg)
			}
		}
		// deflate can expand 1032×; allow that plus fixed overhead.
		if grew := after.TotalAlloc - before.TotalAlloc; grew > uint64(len(input))*deflateMaxRatio*2+1<<20 {
			t.Fatalf("allocated %d bytes for a %d-byte input", grew, len(input))
		}
	})
}
