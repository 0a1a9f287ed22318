package train

import (
	"bytes"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"unicode/utf8"

	"github.com/netc/netc/compiler"
	"github.com/netc/netc/runner"
	"github.com/netc/netc/tensorio"
)

// tinySpec has a parameter of each kind a checkpoint holds (conv and linear weights and
// biases, batchnorm's affine and running statistics) in a few hundred bytes, so the
// fuzzer mutates small files.
const tinySpec = `name = "tiny"
input = { channels = 1, height = 4, width = 4 }
classes = 3
layers = [ { op = "conv", out = 2, k = 3 }, { op = "batchnorm", act = "relu" }, { op = "flatten" }, { op = "linear", out = "classes" } ]
`

// tinyRun returns the tiny network's parameters and an optimizer with momentum buffers.
func tinyRun(t testing.TB) (*runner.Params, *runner.SGD) {
	g, err := compiler.CheckSource("tiny.toml", []byte(tinySpec), compiler.Options{})
	if err != nil {
		t.Fatal(err)
	}
	m, err := runner.NewModel(g)
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Params.Init(runner.InitXavier, 1); err != nil {
		t.Fatal(err)
	}
	return m.Params, runner.NewSGD(m.Params, 0.1, 0.9, 0)
}

// FuzzLoadCheckpoint: any bytes given as a checkpoint are restored or refused with an
// error, never a panic, with allocation in proportion to the file; a refused checkpoint
// may have written into the parameters, but whatever is accepted is finite and its
// state counts are not negative. Seeds: a checkpoint as netc writes it (with its
// checksum) and the same without the checksum, as another tool would rewrite it.
func FuzzLoadCheckpoint(f *testing.F) {
	ps, opt := tinyRun(f)
	opt.Started = true
	for _, buf := range opt.Buffers {
		for i := range buf {
			buf[i] = float32(i%7) * 0.25
		}
	}
	st := state{SpecHash: "abc", Epoch: 2, Batch: 1, RNG: []byte{1, 2, 3}, PartialSeen: 10, PartialCorrect: 4, BestAcc: 0.5, BestEpoch: 1}
	dir := f.TempDir()
	sealed := filepath.Join(dir, "sealed.safetensors")
	if err := saveCheckpoint(sealed, ps, opt, st); err != nil {
		f.Fatal(err)
	}
	raw, _ := os.ReadFile(sealed)
	f.Add(raw)
	ts, meta, err := tensorio.ReadFile(sealed)
	if err != nil {
		f.Fatal(err)
	}
	var plain bytes.Buffer
	tensorio.Write(&plain, ts, meta)
	f.Add(plain.Bytes())

	// One file and one model per fuzzing process: each run overwrites the file, clears
	// the momentum buffers, and checks every value it accepted.
	path := filepath.Join(dir, "checkpoint.safetensors")
	ps, opt = tinyRun(f)
	f.Fuzz(func(t *testing.T, input []byte) {
		if err := os.WriteFile(path, input, 0o644); err != nil {
			t.Fatal(err)
		}
		for _, buf := range opt.Buffers {
			clear(buf)
		}
		var s state
		var err error
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		var ts []tensorio.Tensor
		if ts, s, err = readCheckpoint(path); err == nil {
			err = restoreCheckpoint(path, ts, s, ps, opt)
		}
		runtime.ReadMemStats(&after)
		if grew := after.TotalAlloc - before.TotalAlloc; grew > 64*uint64(len(input))+1<<20 {
			t.Fatalf("allocated %d bytes for a %d-byte checkpoint", grew, len(input))
		}
		if err != nil {
			if msg := err.Error(); len(msg) > 2000 || !utf8.ValidString(msg) {
				t.Fatalf("unhelpful error %q", msg)
			}
			return
		}
		for _, p := range ps.List {
			if msg := runner.NonFinite(p.Shape, p.Data); msg != "" {
				t.Fatalf("accepted %s holding %s", p.Name, msg)
			}
		}
		for name, buf := range opt.Buffers {
			if msg := runner.NonFinite(nil, buf); msg != "" {
				t.Fatalf("accepted momentum for %s holding %s", name, msg)
			}
		}
		if s.Epoch < 0 || s.Batch < 0 || s.PartialSeen < 0 || s.PartialCorrect < 0 || s.BestEpoch < 0 {
			t.Fatalf("accepted a state with negative counts: %+v", s)
		}
	})
}
