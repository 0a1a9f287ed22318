package statedict

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// rawFile writes a safetensors file whose header is given as is, followed by data.
func rawFile(t *testing.T, header map[string]any, data []byte) string {
	t.Helper()
	h, err := json.Marshal(header)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	binary.Write(&b, binary.LittleEndian, uint64(len(h)))
	b.Write(h)
	b.Write(data)
	path := filepath.Join(t.TempDir(), "state.safetensors")
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestOverlappingEntriesRefused: issue 14's memory amplification. 400 entries that all
// point at the same 64 KB used to be read 400 times over (26 MB of buffers and as much
// again of floats for a 64 KB file; 4.45 GB for a 16 MB one); now the layout is checked
// before any tensor is allocated, and the file is refused naming the overlap.
func TestOverlappingEntriesRefused(t *testing.T) {
	const n, size = 400, 64 << 10
	header := map[string]any{}
	for i := range n {
		header[fmt.Sprintf("w%03d", i)] = map[string]any{"dtype": "F32", "shape": []int{size / 4}, "data_offsets": []int{0, size}}
	}
	path := rawFile(t, header, make([]byte, size))
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, _, err := Read(path)
	runtime.ReadMemStats(&after)
	if err == nil || !strings.Contains(err.Error(), "overlap") {
		t.Fatalf("got %v, want an error naming the overlap", err)
	}
	if grew := after.TotalAlloc - before.TotalAlloc; grew > 4*size+1<<20 {
		t.Errorf("allocated %d bytes before refusing a %d-byte data section", grew, size)
	}

	bad := []struct {
		header map[string]any
		data   int
		msg    string
	}{
		{map[string]any{"a": f32(0, 8), "b": f32(4, 12)}, 12, `"b": data_offsets [4, 12] overlap tensor "a"'s [0, 8]`},
		{map[string]any{"a": f32(0, 8), "b": f32(12, 20)}, 20, "leave bytes 8 to 12 unused"},
		{map[string]any{"a": f32(0, 8)}, 12, "the tensors end at byte 8 of the 12-byte data section"},
	}
	for _, c := range bad {
		if _, _, err := Read(rawFile(t, c.header, make([]byte, c.data))); err == nil || !strings.Contains(err.Error(), c.msg) {
			t.Errorf("got %v, want %q", err, c.msg)
		}
	}
	// Offsets out of header order are fine: safetensors sorts its data by dtype, then name.
	if ts, _, err := Read(rawFile(t, map[string]any{"a": f32(8, 16), "b": f32(0, 8)}, make([]byte, 16))); err != nil || len(ts) != 2 {
		t.Errorf("got %d tensors, %v", len(ts), err)
	}
}

func f32(begin, end int) map[string]any {
	return map[string]any{"dtype": "F32", "shape": []int{(end - begin) / 4}, "data_offsets": []int{begin, end}}
}
