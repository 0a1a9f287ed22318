package statedict

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestTorchSaveDtypes reads a checkpoint dict (epoch, lr, an optimizer-like list and the
// state dict) with float16, bfloat16, float64, a transposed float32 view, an
// nn.Parameter and a counter: every value is what PyTorch's own conversion to float32
// gives (testdata/tv/dtypes.json, written by tools/statedict_fixtures.py), in the state
// dict's order, and the counter is skipped.
func TestTorchSaveDtypes(t *testing.T) {
	src, err := Load(filepath.Join("testdata", "tv", "dtypes.pt"))
	if err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(filepath.Join("testdata", "tv", "dtypes.json"))
	if err != nil {
		t.Fatal(err)
	}
	var want map[string]struct {
		Shape  []int
		Values []float64
	}
	if err := json.Unmarshal(raw, &want); err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, x := range src.Tensors {
		names = append(names, x.Name)
		w := want[x.Name]
		if !slices.Equal(x.Shape, w.Shape) || len(x.Data) != len(w.Values) {
			t.Errorf("%s: shape %v, %d values; want %v, %d", x.Name, x.Shape, len(x.Data), w.Shape, len(w.Values))
			continue
		}
		for i, v := range w.Values {
			if x.Data[i] != float32(v) {
				t.Errorf("%s[%d] = %v, want %v", x.Name, i, x.Data[i], float32(v))
			}
		}
	}
	if got := strings.Join(names, " "); got != "h bf d t p" || !src.Ordered || !slices.Equal(src.Skipped, []string{"bn.num_batches_tracked"}) {
		t.Errorf("tensors %s, ordered %v, skipped %v", got, src.Ordered, src.Skipped)
	}
}

// TestSwapCase is issue 17's silent mis-pairing: two convolutions of one shape that
// PyTorch names block_y and block_x and runs in that order. Sorted by name they used to
// be paired the wrong way round, every shape fitting (exit 0, wrong logits). From
// torch.save, which keeps the order of registration, the pairing is right and the logits
// are PyTorch's; from safetensors, which keeps no order, the import fails naming both.
func TestSwapCase(t *testing.T) {
	rel, res, err := importAndRun(t, "swap", "swap.pt", nil)
	if err != nil {
		t.Fatal(err)
	}
	if rel > 1e-5 || !slices.ContainsFunc(res.Pairs, func(p Pair) bool { return p.From == "block_y.weight" && p.To == "conv2.weight" }) {
		t.Errorf("swap.pt: relative error %.3g, pairs %v", rel, res.Pairs)
	}
	_, _, err = importAndRun(t, "swap", "swap.safetensors", nil)
	var e *Error
	if err == nil || !strings.Contains(err.Error(), "conv2 (dense [8 8 3 3] with bias) could be PyTorch's block_x or block_y") {
		t.Fatalf("swap.safetensors: got %v, want an error naming block_x and block_y", err)
	}
	if !errorAs(err, &e) || !e.Ambiguous {
		t.Errorf("got %#v", err)
	}
	// A rule settles it.
	rules := []Rule{mustRule(t, "conv2", "block_y")}
	if rel, _, err := importAndRun(t, "swap", "swap.safetensors", rules); err != nil || rel > 1e-5 {
		t.Errorf("with a rule: relative error %.3g, %v", rel, err)
	}
}

func mustRule(t *testing.T, layer, module string) Rule {
	r, err := NewRule(layer, module)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func errorAs(err error, e **Error) bool {
	x, ok := err.(*Error)
	*e = x
	return ok
}

// pickleOps builds a pickle from raw opcodes and arguments.
func pickleOps(parts ...any) []byte {
	var b bytes.Buffer
	for _, p := range parts {
		switch p := p.(type) {
		case byte:
			b.WriteByte(p)
		case string: // BINUNICODE
			b.WriteByte('X')
			binary.Write(&b, binary.LittleEndian, uint32(len(p)))
			b.WriteString(p)
		case int: // BININT
			b.WriteByte('J')
			binary.Write(&b, binary.LittleEndian, int32(p))
		case []byte:
			b.Write(p)
		}
	}
	return b.Bytes()
}

func global(module, name string) []byte { return []byte("c" + module + "\n" + name + "\n") }

// tensorPickle is {"w": a float32 tensor of shape [n] over storage "0" of numel elements}.
func tensorPickle(numel, n int) []byte {
	return pickleOps(byte(0x80), byte(2), byte('}'), "w",
		global("torch._utils", "_rebuild_tensor_v2"), byte('('),
		byte('('), "storage", global("torch", "FloatStorage"), "0", "cpu", numel, byte('t'), byte('Q'),
		0, byte('('), n, byte('t'), byte('('), 1, byte('t'), byte(0x89),
		global("collections", "OrderedDict"), byte(')'), byte('R'),
		byte('t'), byte('R'), byte('s'), byte('.'))
}

// zipEntry is one entry of a hand-made checkpoint.
type zipEntry struct {
	name   string
	data   []byte
	method uint16
}

func torchZip(t *testing.T, entries ...zipEntry) string {
	t.Helper()
	var b bytes.Buffer
	w := zip.NewWriter(&b)
	for _, e := range entries {
		f, err := w.CreateHeader(&zip.FileHeader{Name: e.name, Method: e.method})
		if err != nil {
			t.Fatal(err)
		}
		f.Write(e.data)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "hostile.pt")
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestHostileTorchSave: checkpoints that would run code, claim more than they hold or
// amplify memory are refused with what and where, before anything large is allocated.
func TestHostileTorchSave(t *testing.T) {
	f32 := func(n int) []byte { return make([]byte, 4*n) }
	osSystem := pickleOps(byte(0x80), byte(2), global("os", "system"), "touch PWNED", byte(0x85), byte('R'), byte('.'))
	evalReduce := pickleOps(byte(0x80), byte(2), global("collections", "OrderedDict"), "x", byte(0x85), byte('R'), byte('.'))
	reduceStorage := pickleOps(byte(0x80), byte(2), global("torch", "FloatStorage"), byte(')'), byte('R'), byte('.'))
	stackGlobal := pickleOps(byte(0x80), byte(4), byte(0x8c), byte(2), []byte("os"), byte(0x8c), byte(6), []byte("system"), byte(0x93), byte('.'))
	inst := pickleOps(byte(0x80), byte(2), byte('('), []byte("ios\nsystem\n"), byte('.'))
	cases := []struct {
		name    string
		entries []zipEntry
		msg     string
	}{
		{"GLOBAL os.system", []zipEntry{{"a/data.pkl", osSystem, zip.Store}}, "GLOBAL at byte 2: refers to os.system"},
		{"REDUCE with arguments", []zipEntry{{"a/data.pkl", evalReduce, zip.Store}}, "REDUCE at byte 34: OrderedDict with 1 arguments"},
		{"REDUCE of a storage class", []zipEntry{{"a/data.pkl", reduceStorage, zip.Store}}, "REDUCE at byte 23: calls torch.FloatStorage"},
		{"STACK_GLOBAL", []zipEntry{{"a/data.pkl", stackGlobal, zip.Store}}, "STACK_GLOBAL at byte 14: not accepted"},
		{"INST", []zipEntry{{"a/data.pkl", inst, zip.Store}}, "INST at byte 3: not accepted"},
		{"huge tensor", []zipEntry{{"a/data.pkl", tensorPickle(1<<30, 1<<30), zip.Store}, {"a/data/0", f32(4), zip.Store}},
			"the tensors hold more elements than a 406-byte file can"},
		{"huge storage", []zipEntry{{"a/data.pkl", tensorPickle(1<<30, 4), zip.Store}, {"a/data/0", f32(4), zip.Store}},
			"storage \"0\" declares 1073741824 elements of torch.FloatStorage (4294967296 bytes), its entry holds 16 bytes"},
		{"view past its storage", []zipEntry{{"a/data.pkl", tensorPickle(4, 5), zip.Store}, {"a/data/0", f32(4), zip.Store}},
			"reads element 4 of storage \"0\", which holds 4"},
		{"zip bomb", []zipEntry{{"a/data.pkl", tensorPickle(1<<24, 1<<24), zip.Store}, {"a/data/0", f32(1 << 24), zip.Deflate}},
			"entry a/data/0 is compressed (method 8)"},
		{"no pickle", []zipEntry{{"a/data/0", f32(1), zip.Store}}, "no <name>/data.pkl entry"},
		{"truncated pickle", []zipEntry{{"a/data.pkl", tensorPickle(4, 4)[:40], zip.Store}}, "GLOBAL at byte 9: a name without its newline"},
		{"pickle without STOP", []zipEntry{{"a/data.pkl", tensorPickle(4, 4)[:97], zip.Store}}, "ends at byte 97 without STOP"},
		{"cut in an argument", []zipEntry{{"a/data.pkl", tensorPickle(4, 4)[:99], zip.Store}}, "BININT at byte 97: needs 4 bytes, 1 remain"},
		{"not a dict", []zipEntry{{"a/data.pkl", pickleOps(byte(0x80), byte(2), 5, byte('.')), zip.Store}}, "the checkpoint holds a int, expected a state dict"},
	}
	for _, c := range cases {
		_, err := Load(torchZip(t, c.entries...))
		if err == nil || !strings.Contains(err.Error(), c.msg) {
			t.Errorf("%s: got %v, want %q", c.name, err, c.msg)
		}
	}
}

// TestOverlappingZipEntries: two zip entries that point at the same bytes (the
// overlapping-file zip bomb) are refused.
func TestOverlappingZipEntries(t *testing.T) {
	path := torchZip(t, zipEntry{"a/data.pkl", tensorPickle(4, 4), zip.Store}, zipEntry{"a/data/0", make([]byte, 16), zip.Store}, zipEntry{"a/data/1", make([]byte, 16), zip.Store})
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	// Point the last central-directory record at the second entry's local header.
	z, err := zip.NewReader(bytes.NewReader(raw), int64(len(raw)))
	if err != nil {
		t.Fatal(err)
	}
	second, _ := z.File[1].DataOffset()
	second -= int64(30 + len("a/data/0"))
	dir := bytes.LastIndex(raw, []byte("PK\x01\x02"))
	binary.LittleEndian.PutUint32(raw[dir+42:], uint32(second))
	if err := os.WriteFile(path, raw, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(path); err == nil || !strings.Contains(err.Error(), "share bytes") {
		t.Errorf("got %v, want an error naming the shared bytes", err)
	}
}

// TestDeepPickle: a persistent id nested a million tuples deep is refused with a short
// message, in bounded time and stack.
func TestDeepPickle(t *testing.T) {
	var b bytes.Buffer
	b.Write([]byte{0x80, 2, ')'})
	for range 1 << 20 {
		b.WriteByte(0x85) // TUPLE1
	}
	b.Write([]byte{'Q', '.'})
	_, err := unpickle(b.Bytes())
	if err == nil || !strings.Contains(err.Error(), "BINPERSID at byte 1048579: persistent id (((...)))") || len(err.Error()) > 200 {
		t.Errorf("got %.300v", err)
	}
}
