package tensorio

import (
	"bytes"
	"io"
	"os"
	"runtime"
	"testing"
	"unicode/utf8"
)

// allocBudget is what decoding an n-byte input may allocate: a small
// multiple of the input (JSON tokens, the float slices) plus fixed overhead,
// never what a header merely claims.
func allocBudget(n int) uint64 { return uint64(n)*64 + 1<<20 }

// allocated runs f and returns the bytes it allocated.
func allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// saneError fails on an error a user could not act on: empty, not UTF-8, or so long
// that it quotes the input back.
func saneError(t *testing.T, err error) {
	t.Helper()
	if msg := err.Error(); msg == "" || len(msg) > 500 || !utf8.ValidString(msg) {
		t.Fatalf("unhelpful error (%d bytes): %.200q", len(msg), msg)
	}
}

func addSeedFiles(f *testing.F, names ...string) {
	for _, name := range names {
		raw, err := os.ReadFile("testdata/" + name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(raw)
	}
}

// FuzzReadSafetensors: any input gives tensors or an error, never a panic
// or an allocation out of proportion to the input; whatever is accepted
// writes back and reads back the same. Seeds: the fixtures and the hostile
// classes of the reliability anchors (overflowing and negative shapes,
// overlapping and out-of-range offsets, a huge header length).
func FuzzReadSafetensors(f *testing.F) {
	addSeedFiles(f, "numpy.safetensors", "numpy_nometa.safetensors", "f16.safetensors")
	entry := `{"dtype":"F32","shape":[2],"data_offsets":[0,8]}`
	for _, seed := range [][]byte{
		file(`{"w":{"dtype":"F32","shape":[4194305,4194305,211106198978564],"data_offsets":[0,16]}}`, 16),
		file(`{"w":{"dtype":"F32","shape":[65536,65536],"data_offsets":[0,0]}}`, 0),
		file(`{"w":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}}`, 4),
		file(`{"w":{"dtype":"F32","shape":[2147483647],"data_offsets":[0,8589934588]}}`, 4),
		file(`{"a":`+entry+`,"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}`, 12),
		file(`{"a":`+entry+`,"a":`+entry+`}`, 8),
		file(`{"__metadata__":{"k":"v"},"a":`+entry+`}`, 8),
		{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff},
	} {
		f.Add(seed)
	}
	// As WriteFile writes them: with the checksum that Read verifies.
	var sealed bytes.Buffer
	if err := writeSealed(&sealed, []Tensor{named("w", pattern(2, 3)), named("b", pattern(2))}, map[string]string{"epoch": "3"}); err != nil {
		f.Fatal(err)
	}
	f.Add(sealed.Bytes())
	f.Fuzz(func(t *testing.T, input []byte) {
		var tensors []Tensor
		var meta map[string]string
		var err error
		if grew := allocated(func() { tensors, meta, err = Read(bytes.NewReader(input)) }); grew > allocBudget(len(input)) {
			t.Fatalf("allocated %d bytes for a %d-byte input", grew, len(input))
		}
		// A stream of unknown size must agree and stay within budget too.
		var err2 error
		if grew := allocated(func() { _, _, err2 = Read(struct{ io.Reader }{bytes.NewReader(input)}) }); grew > allocBudget(len(input)) {
			t.Fatalf("stream: allocated %d bytes for a %d-byte input", grew, len(input))
		}
		if (err == nil) != (err2 == nil) {
			t.Fatalf("sized read error %v, stream read error %v", err, err2)
		}
		if err != nil {
			saneError(t, err)
			return
		}
		if _, ok := meta[ChecksumKey]; ok {
			t.Fatalf("the checksum entry came back in the metadata")
		}
		var buf bytes.Buffer
		if err := Write(&buf, tensors, meta); err != nil {
			t.Fatalf("accepted tensors do not write back: %v", err)
		}
		again, _, err := Read(&buf)
		if err != nil || len(again) != len(tensors) {
			t.Fatalf("rewritten file does not read back: %v", err)
		}
	})
}

// FuzzDecodeNPY: the same promises for .npy, through both decoders.
func FuzzDecodeNPY(f *testing.F) {
	addSeedFiles(f, "pattern_f32.npy", "scalar_f32.npy", "empty_f32.npy", "labels_i8.npy", "labels_i4.npy", "fortran_f32.npy")
	for _, seed := range [][]byte{
		npyFile("{'descr': '<f4', 'fortran_order': False, 'shape': (4194305, 4194305, 211106198978564), }", 16),
		npyFile("{'descr': '<f4', 'fortran_order': False, 'shape': (65536, 65536), }", 0),
		npyFile("{'descr': '<i8', 'fortran_order': False, 'shape': (2147483647,), }", 8),
		append([]byte(npyMagic), 2, 0, 0xff, 0xff, 0xff, 0xff),
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, input []byte) {
		var shape []int
		var data []float32
		var err error
		if grew := allocated(func() { shape, data, err = DecodeNPY(bytes.NewReader(input)) }); grew > allocBudget(len(input)) {
			t.Fatalf("allocated %d bytes for a %d-byte input", grew, len(input))
		}
		if grew := allocated(func() { DecodeNPYInts(struct{ io.Reader }{bytes.NewReader(input)}) }); grew > allocBudget(len(input)) {
			t.Fatalf("ints: allocated %d bytes for a %d-byte input", grew, len(input))
		}
		if err != nil {
			saneError(t, err)
			return
		}
		var buf bytes.Buffer
		if err := EncodeNPY(&buf, shape, data); err != nil {
			t.Fatalf("accepted array does not write back: %v", err)
		}
	})
}
