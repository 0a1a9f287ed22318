package tensorio

import (
	"bytes"
	"encoding/binary"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// TestReadPythonSafetensors reads the hand-built reference file: names,
// shapes, values and metadata, in file (name) order.
func TestReadPythonSafetensors(t *testing.T) {
	got, meta, err := ReadFile("testdata/numpy.safetensors")
	if err != nil {
		t.Fatal(err)
	}
	want := sortedByName(fixtureTensors())
	if len(got) != len(want) {
		t.Fatalf("%d tensors, want %d", len(got), len(want))
	}
	for i := range want {
		if got[i].Name != want[i].Name || !slices.Equal(got[i].Shape, want[i].Shape) || !sameBits(got[i].Data, want[i].Data) {
			t.Errorf("tensor %d: %q %v, want %q %v", i, got[i].Name, got[i].Shape, want[i].Name, want[i].Shape)
		}
	}
	if !maps.Equal(meta, fixtureMetadata) {
		t.Errorf("metadata %q, want %q", meta, fixtureMetadata)
	}
	_, meta, err = ReadFile("testdata/numpy_nometa.safetensors")
	if err != nil || meta != nil {
		t.Errorf("file without metadata: %v, %v", meta, err)
	}
}

// TestWriteMatchesReferenceBytes: Write lays out the same tensors, given in
// any order, byte for byte as the reference layout built in Python.
func TestWriteMatchesReferenceBytes(t *testing.T) {
	want, err := os.ReadFile("testdata/numpy.safetensors")
	if err != nil {
		t.Fatal(err)
	}
	tensors := fixtureTensors()
	for range 3 {
		var buf bytes.Buffer
		if err := Write(&buf, tensors, fixtureMetadata); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(buf.Bytes(), want) {
			t.Fatalf("Write differs from the reference layout:\n got %q\nwant %q", buf.Bytes()[:120], want[:120])
		}
		slices.Reverse(tensors)
	}
}

// TestRoundTripFile: WriteFile then ReadFile gives the tensors back, bit
// for bit, including NaN, infinities and −0.
func TestRoundTripFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "w.safetensors")
	in := []Tensor{named("z.special", special()), named("a.weight", pattern(3, 2))}
	if err := WriteFile(path, in, nil); err != nil {
		t.Fatal(err)
	}
	out, meta, err := ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if meta != nil || len(out) != 2 || out[0].Name != "a.weight" || !sameBits(out[1].Data, in[0].Data) || !sameBits(out[0].Data, in[1].Data) {
		t.Errorf("round trip changed the tensors: %v", out)
	}
	// Reading from a plain stream (size unknown) gives the same.
	raw, _ := os.ReadFile(path)
	out2, _, err := Read(struct{ io.Reader }{bytes.NewReader(raw)})
	if err != nil || !sameBits(out2[1].Data, out[1].Data) {
		t.Errorf("stream read: %v", err)
	}
}

// file assembles a safetensors file from a header string and data size.
func file(header string, data int) []byte {
	b := binary.LittleEndian.AppendUint64(nil, uint64(len(header)))
	b = append(b, header...)
	return append(b, make([]byte, data)...)
}

func TestReadErrors(t *testing.T) {
	f32 := func(shape string, begin, end int) string {
		return `{"dtype":"F32","shape":` + shape + `,"data_offsets":[` + strconv.Itoa(begin) + `,` + strconv.Itoa(end) + `]}`
	}
	tests := []struct {
		name  string
		input []byte
		want  string
	}{
		{"empty", nil, "truncated: expected an 8-byte header length"},
		{"header too large", binary.LittleEndian.AppendUint64(nil, 100_000_001), "header length 100000001 exceeds the 100000000-byte limit"},
		{"header past end", binary.LittleEndian.AppendUint64(nil, 1000), "header needs 1000 bytes, only 0 left"},
		{"not JSON", file(`{"a":`, 0), "header: tensor \"a\": expected an object with dtype, shape and data_offsets: unexpected end of JSON"},
		{"not an object", file(`[1,2]`, 0), "expected the header, found ["},
		{"trailing garbage", file(`{}x`, 0), "unexpected \"x\" after the header object"},
		{"invalid UTF-8", file("{\"\xff\":1}", 0), "header is not valid UTF-8"},
		{"duplicate name", file(`{"w":`+f32("[1]", 0, 4)+`,"w":`+f32("[1]", 4, 8)+`}`, 8), `"w" appears twice`},
		{"F16", file(`{"h":{"dtype":"F16","shape":[2],"data_offsets":[0,4]}}`, 4), `tensor "h": dtype F16 not supported (netc reads F32 only)`},
		{"unknown dtype", file(`{"h":{"dtype":"F33","shape":[1],"data_offsets":[0,4]}}`, 4), `tensor "h": unknown dtype "F33"`},
		{"missing shape", file(`{"h":{"dtype":"F32","data_offsets":[0,4]}}`, 4), `tensor "h": missing shape`},
		{"negative dim", file(`{"w":`+f32("[-1,4]", 0, 16)+`}`, 16), `tensor "w": dimension 0 is -1, expected ≥ 0`},
		{"float dim", file(`{"w":`+f32("[1.5]", 0, 4)+`}`, 4), `tensor "w": shape: 1.5 is not a 64-bit integer`},
		{"shape overflow", file(`{"w":`+f32("[4194305,4194305,211106198978564]", 0, 16)+`}`, 16), `tensor "w": shape [4194305 4194305 211106198978564] holds more than 2^62 bytes`},
		{"size mismatch", file(`{"w":`+f32("[5,6]", 0, 100)+`}`, 100), `tensor "w": data_offsets [0, 100] hold 100 bytes, shape [5 6] of F32 needs 120`},
		{"gap", file(`{"w":`+f32("[1]", 4, 8)+`}`, 8), `tensor "w": data_offsets [4, 8], expected to start at 0`},
		{"overlap", file(`{"a":`+f32("[2]", 0, 8)+`,"b":`+f32("[2]", 4, 12)+`}`, 12), `tensor "b": data_offsets [4, 12], expected to start at 8`},
		{"end before begin", file(`{"w":`+f32("[0]", 8, 0)+`}`, 8), `data_offsets [8, 0]`},
		{"negative offset", file(`{"w":`+f32("[1]", -4, 0)+`}`, 0), `negative data_offsets`},
		{"offsets past data", file(`{"w":`+f32("[4]", 0, 16)+`}`, 8), "data section holds 8 bytes, tensors need 16"},
		{"trailing data", file(`{"w":`+f32("[1]", 0, 4)+`}`, 8), "data section holds 8 bytes, tensors need 4"},
		{"metadata not strings", file(`{"__metadata__":{"a":1}}`, 0), `__metadata__: expected a string value for "a", found 1`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := Read(bytes.NewReader(tt.input))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want %q", err, tt.want)
			}
		})
	}
}

// TestReadErrorsUnknownSize: without a known size, truncation and trailing
// bytes are found while reading, and named.
func TestReadErrorsUnknownSize(t *testing.T) {
	var buf bytes.Buffer
	Write(&buf, []Tensor{named("a", pattern(3)), named("b", pattern(1000))}, nil)
	raw := buf.Bytes()
	stream := func(b []byte) io.Reader { return struct{ io.Reader }{bytes.NewReader(b)} } // hides Len and Size
	if _, _, err := Read(stream(raw[:len(raw)-1])); err == nil || !strings.Contains(err.Error(), `tensor "b": truncated: expected 1000 elements`) {
		t.Errorf("truncated stream: %v", err)
	}
	if _, _, err := Read(stream(append(slices.Clone(raw), 0))); err == nil || !strings.Contains(err.Error(), "trailing bytes") {
		t.Errorf("trailing byte: %v", err)
	}
	// A 24-byte header claiming 2^40 floats allocates nothing close to that.
	huge := file(`{"w":`+`{"dtype":"F32","shape":[1099511627776],"data_offsets":[0,4398046511104]}}`, 16)
	if _, _, err := Read(stream(huge)); err == nil || !strings.Contains(err.Error(), "truncated") {
		t.Errorf("huge claim: %v", err)
	}
}

func TestReadFileNamesFileAndF16(t *testing.T) {
	_, _, err := ReadFile("testdata/f16.safetensors")
	if err == nil || !strings.Contains(err.Error(), `testdata/f16.safetensors: header: tensor "half.weight": dtype F16 not supported`) {
		t.Fatalf("error %v", err)
	}
}

func TestWriteRejects(t *testing.T) {
	for _, tt := range []struct {
		name    string
		tensors []Tensor
		meta    map[string]string
		want    string
	}{
		{"duplicate", []Tensor{named("w", pattern(1)), named("w", pattern(1))}, nil, `tensor "w" appears twice`},
		{"reserved", []Tensor{named("__metadata__", pattern(1))}, nil, "reserved"},
		{"shape mismatch", []Tensor{{Name: "w", Shape: []int{2, 3}, Data: make([]float32, 5)}}, nil, `tensor "w": shape [2 3] needs 6 values, data has 5`},
		{"negative dim", []Tensor{{Name: "w", Shape: []int{-2, -3}, Data: make([]float32, 6)}}, nil, "dimension 0 is -2"},
		{"bad UTF-8", []Tensor{named("w\xff", pattern(1))}, nil, "not valid UTF-8"},
		{"bad metadata", nil, map[string]string{"k": "\xff"}, "not valid UTF-8"},
	} {
		if err := Write(&bytes.Buffer{}, tt.tensors, tt.meta); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %v, want %q", tt.name, err, tt.want)
		}
	}
}

// TestWriteForPython writes files for `tools/tensorio_fixture.py check DIR`
// when NETC_TENSORIO_PYCHECK_DIR names DIR (a manual cross-check, not CI).
func TestWriteForPython(t *testing.T) {
	dir := os.Getenv("NETC_TENSORIO_PYCHECK_DIR")
	if dir == "" {
		t.Skip("set NETC_TENSORIO_PYCHECK_DIR to write files for tools/tensorio_fixture.py check")
	}
	os.MkdirAll(dir, 0o755)
	if err := WriteFile(filepath.Join(dir, "go.safetensors"), fixtureTensors(), fixtureMetadata); err != nil {
		t.Fatal(err)
	}
	for name, tensor := range map[string]Tensor{
		"go_pattern.npy": pattern(2, 3, 4), "go_special.npy": special(),
		"go_scalar.npy": pattern(), "go_empty.npy": pattern(0, 3),
	} {
		if err := WriteNPY(filepath.Join(dir, name), tensor.Shape, tensor.Data); err != nil {
			t.Fatal(err)
		}
	}
}
