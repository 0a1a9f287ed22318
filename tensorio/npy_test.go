package tensorio

import (
	"bytes"
	"encoding/binary"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestReadNumPyFiles reads arrays np.save wrote: shapes (including scalar
// and empty) and values bit for bit, and integer labels.
func TestReadNumPyFiles(t *testing.T) {
	for _, tt := range []struct {
		file string
		want Tensor
	}{
		{"pattern_f32.npy", pattern(2, 3, 4)},
		{"vector_f32.npy", pattern(5)},
		{"scalar_f32.npy", pattern()},
		{"empty_f32.npy", pattern(0, 3)},
		{"special_f32.npy", special()},
	} {
		shape, data, err := ReadNPY(filepath.Join("testdata", tt.file))
		if err != nil {
			t.Fatalf("%s: %v", tt.file, err)
		}
		if !slices.Equal(shape, tt.want.Shape) || !sameBits(data, tt.want.Data) {
			t.Errorf("%s: shape %v data %v, want %v %v", tt.file, shape, data, tt.want.Shape, tt.want.Data)
		}
	}
	for _, tt := range []struct {
		file  string
		shape []int
		want  []int64
	}{
		{"labels_i8.npy", []int{10}, []int64{9, 2, 1, 1, 6, 1, 4, 6, 5, 7}},
		{"labels_i4.npy", []int{2, 3}, []int64{0, 1, 2, 7, 8, 9}},
	} {
		shape, data, err := ReadNPYInts(filepath.Join("testdata", tt.file))
		if err != nil || !slices.Equal(shape, tt.shape) || !slices.Equal(data, tt.want) {
			t.Errorf("%s: %v %v %v, want %v %v", tt.file, shape, data, err, tt.shape, tt.want)
		}
	}
}

// TestEncodeNPYMatchesNumPy: our bytes equal np.save's for the same arrays.
func TestEncodeNPYMatchesNumPy(t *testing.T) {
	for file, tensor := range map[string]Tensor{
		"pattern_f32.npy": pattern(2, 3, 4), "vector_f32.npy": pattern(5),
		"scalar_f32.npy": pattern(), "empty_f32.npy": pattern(0, 3), "special_f32.npy": special(),
	} {
		want, err := os.ReadFile(filepath.Join("testdata", file))
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if err := EncodeNPY(&buf, tensor.Shape, tensor.Data); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(buf.Bytes(), want) {
			t.Errorf("%s: EncodeNPY differs from np.save:\n got %q\nwant %q", file, buf.Bytes(), want)
		}
	}
}

// TestNPYVersion2Header: a shape whose header passes 64 KiB switches to
// format 2.0, still 64-byte aligned, and reads back.
func TestNPYVersion2Header(t *testing.T) {
	shape := slices.Repeat([]int{1}, 30000)
	var buf bytes.Buffer
	if err := EncodeNPY(&buf, shape, []float32{2.5}); err != nil {
		t.Fatal(err)
	}
	raw := buf.Bytes()
	if raw[6] != 2 || (12+int(binary.LittleEndian.Uint32(raw[8:])))%64 != 0 {
		t.Fatalf("version %d.%d, header not aligned", raw[6], raw[7])
	}
	got, data, err := DecodeNPY(bytes.NewReader(raw))
	if err != nil || len(got) != 30000 || data[0] != 2.5 {
		t.Fatalf("read back: %d dims, %v, %v", len(got), data, err)
	}
}

// npyFile assembles a v1.0 file from a header dict and data bytes.
func npyFile(dict string, data int) []byte {
	b := append([]byte(npyMagic), 1, 0)
	b = binary.LittleEndian.AppendUint16(b, uint16(len(dict)))
	b = append(b, dict...)
	return append(b, make([]byte, data)...)
}

func TestReadNPYErrors(t *testing.T) {
	f32 := func(shape string) string {
		return "{'descr': '<f4', 'fortran_order': False, 'shape': " + shape + ", }\n"
	}
	tests := []struct {
		name  string
		input []byte
		want  string
	}{
		{"not npy", []byte("PK\x03\x04hello"), `not a .npy file`},
		{"version 9", append([]byte(npyMagic), 9, 0, 0, 0), "version 9.0 not supported"},
		{"header past end", append([]byte(npyMagic), 1, 0, 0xff, 0x7f), "header needs 32767 bytes, only 0 left"},
		{"header too large", append([]byte(npyMagic), 2, 0, 0, 0, 0, 1), "header length 16777216 exceeds"},
		{"f8", npyFile("{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }", 16), `dtype "<f8" not supported, expected '<f4'`},
		{"big-endian", npyFile("{'descr': '>f4', 'fortran_order': False, 'shape': (2,), }", 8), `dtype ">f4" not supported`},
		{"fortran", npyFile("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 3), }", 24), "fortran_order arrays not supported"},
		{"missing key", npyFile("{'descr': '<f4', 'shape': (2,), }", 8), "expected the keys 'descr', 'fortran_order' and 'shape'"},
		{"extra key", npyFile("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), 'x': 1}", 8), `unexpected key "x"`},
		{"duplicate key", npyFile("{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': (2,)}", 8), `key "descr" appears twice`},
		{"negative dim", npyFile(f32("(-1, 2)"), 8), "shape: expected a non-negative integer"},
		{"huge dim", npyFile(f32("(99999999999999999999,)"), 8), "does not fit in 64 bits"},
		{"overflow", npyFile(f32("(4194305, 4194305, 211106198978564)"), 16), "holds more than 2^62 bytes"},
		{"truncated data", npyFile(f32("(3, 4)"), 47), "data holds 47 bytes, shape needs 48"},
		{"trailing data", npyFile(f32("(3, 4)"), 49), "data holds 49 bytes, shape needs 48"},
		{"garbage after dict", npyFile(f32("(2,)")+"os.system('x')", 8), "unexpected \"os.system('x')\" after the dict"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := DecodeNPY(bytes.NewReader(tt.input))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want %q", err, tt.want)
			}
		})
	}
	for file, want := range map[string]string{
		"double_f8.npy":   `testdata/double_f8.npy: dtype "<f8" not supported`,
		"fortran_f32.npy": "testdata/fortran_f32.npy: fortran_order arrays not supported",
	} {
		if _, _, err := ReadNPY(filepath.Join("testdata", file)); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: error %v, want %q", file, err, want)
		}
	}
	if _, _, err := ReadNPYInts("testdata/pattern_f32.npy"); err == nil || !strings.Contains(err.Error(), `dtype "<f4" not supported, expected '<i4' or '<i8'`) {
		t.Errorf("ReadNPYInts on floats: %v", err)
	}
}

// TestWriteNPYAtomic: WriteNPY round-trips and, given bad input, keeps the
// old file.
func TestWriteNPYAtomic(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.npy")
	in := special()
	if err := WriteNPY(path, in.Shape, in.Data); err != nil {
		t.Fatal(err)
	}
	if err := WriteNPY(path, []int{5}, in.Data); err == nil || !strings.Contains(err.Error(), "shape [5] needs 5 values, data has 24") {
		t.Fatalf("mismatched shape: %v", err)
	}
	shape, data, err := ReadNPY(path)
	if err != nil || !slices.Equal(shape, in.Shape) || !sameBits(data, in.Data) {
		t.Fatalf("read back %v %v %v", shape, data, err)
	}
}
