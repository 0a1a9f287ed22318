package idx

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// realLabels and realImages are the embedded Fashion-MNIST subset's test
// files (real data, committed beside the data package).
const (
	realLabels = "../subset/t10k-labels-idx1-ubyte.gz"
	realImages = "../subset/t10k-images-idx3-ubyte.gz"
)

// header builds an IDX header: magic bytes then big-endian dimensions.
func header(typ, ndims byte, dims ...uint32) []byte {
	h := []byte{0, 0, typ, ndims}
	for _, d := range dims {
		h = binary.BigEndian.AppendUint32(h, d)
	}
	return h
}

func gz(t testing.TB, raw []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(raw)
	zw.Close()
	return buf.Bytes()
}

func TestDecodeHeaderErrors(t *testing.T) {
	body := bytes.Repeat([]byte{7}, 2*3*4)
	valid := append(header(8, 3, 2, 3, 4), body...)
	corruptCRC := gz(t, valid)
	corruptCRC[len(corruptCRC)-8] ^= 0xff
	tests := []struct {
		name  string
		input []byte
		dims  int
		want  string // substring of the error
	}{
		{"empty file", nil, 3, "truncated header: expected 4 bytes of magic, found 0"},
		{"short magic", []byte{0, 0, 8}, 3, "expected 4 bytes of magic, found 3"},
		{"bad magic", []byte("PK\x03\x04rest"), 3, "bad magic 0x504b0304: not an IDX file (expected 0x00000803)"},
		{"float elements", header(0x0d, 3, 1, 1, 1), 3, "element type 0x0d not supported (expected 0x08"},
		{"labels where images expected", header(8, 1, 5), 3, "1 dimensions, expected 3 (images, idx3-ubyte)"},
		{"images where labels expected", header(8, 3, 1, 28, 28), 1, "3 dimensions, expected 1 (labels, idx1-ubyte)"},
		{"truncated dims", header(8, 3, 60000, 28)[:10], 3, "expected 12 bytes of dimension sizes, found 6"},
		{"dim above cap", header(8, 3, 1<<24+1, 28, 28), 3, "dimension 0 is 16777217, outside [0, 16777216]"},
		{"product overflow", header(8, 3, 1<<24, 1<<24, 1<<24), 3, "announce more than 4294967296 bytes"},
		{"announced more than file", header(8, 3, 60000, 28, 28), 3, "announce 47040000 bytes of data, the file cannot hold more than 0"},
		{"truncated data", valid[:len(valid)-1], 3, "announce 24 bytes of data, the file cannot hold more than 23"},
		{"trailing data", append(valid[:len(valid):len(valid)], 0), 3, "trailing data: expected 24 bytes of data, found more"},
		{"gzip truncated", gz(t, valid)[:30], 3, "truncated"},
		{"gzip trailing data", gz(t, append(valid[:len(valid):len(valid)], 1, 2)), 3, "trailing data"},
		{"gzip bad CRC", corruptCRC, 3, "checksum"},
		{"gzip bomb header", gz(t, header(8, 3, 1<<24, 16, 16)), 3, "the file cannot hold more than"},
		{"not gzip after magic", []byte{0x1f, 0x8b, 0, 0}, 3, "gzip:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Decode(bytes.NewReader(tt.input), "x.idx", tt.dims)
			if err == nil {
				t.Fatalf("no error, want %q", tt.want)
			}
			if !strings.Contains(err.Error(), tt.want) || !strings.HasPrefix(err.Error(), "x.idx: ") {
				t.Fatalf("error %q, want it to start with the file name and contain %q", err, tt.want)
			}
		})
	}
}

// TestDecodeUnknownSize: a stream without Len/Size cannot be checked up
// front, so the same errors must come from reading.
func TestDecodeUnknownSize(t *testing.T) {
	valid := append(header(8, 1, 5), 1, 2, 3, 4, 5)
	for _, tt := range []struct {
		name  string
		input []byte
		want  string
	}{
		{"truncated", header(8, 1, 60000), "expected 60000 bytes of data, found 0"},
		{"trailing", append(valid[:len(valid):len(valid)], 9), "trailing data"},
	} {
		_, err := Decode(io.MultiReader(bytes.NewReader(tt.input)), "s", 1)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %v, want %q", tt.name, err, tt.want)
		}
	}
	got, err := Decode(io.MultiReader(bytes.NewReader(valid)), "s", 1)
	if err != nil || !bytes.Equal(got.Data, []byte{1, 2, 3, 4, 5}) {
		t.Errorf("valid stream: %v, %v", got, err)
	}
}

// TestRoundTrip: Encode then Decode (raw and gzip) gives back real images.
func TestRoundTrip(t *testing.T) {
	images, err := ReadFile(realImages, 3)
	if err != nil {
		t.Fatal(err)
	}
	small := &File{Dims: []int{3, 28, 28}, Data: images.Data[:3*28*28]}
	var raw bytes.Buffer
	if err := Encode(&raw, small); err != nil {
		t.Fatal(err)
	}
	for name, input := range map[string][]byte{"raw": raw.Bytes(), "gzip": gz(t, raw.Bytes())} {
		got, err := Decode(bytes.NewReader(input), name, 3)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if !bytes.Equal(got.Data, small.Data) || len(got.Dims) != 3 || got.Dims[0] != 3 {
			t.Errorf("%s: round trip changed the data (dims %v)", name, got.Dims)
		}
	}
	if err := Encode(io.Discard, &File{Dims: []int{2, 2}, Data: []byte{1}}); err == nil {
		t.Error("Encode accepted 1 byte for dims [2 2]")
	}
}

// TestReadFileReal reads the committed subset through the file path API,
// and names the file in errors.
func TestReadFileReal(t *testing.T) {
	labels, err := ReadFile(realLabels, 1)
	if err != nil {
		t.Fatal(err)
	}
	if labels.Dims[0] != 2000 || len(labels.Data) != 2000 {
		t.Errorf("labels dims %v, want [2000]", labels.Dims)
	}
	bad := filepath.Join(t.TempDir(), "bad-idx1-ubyte")
	os.WriteFile(bad, header(8, 1, 10), 0o644)
	if _, err := ReadFile(bad, 1); err == nil || !strings.HasPrefix(err.Error(), bad+": truncated") {
		t.Errorf("error %v, want it to start with %q", err, bad+": truncated")
	}
}
