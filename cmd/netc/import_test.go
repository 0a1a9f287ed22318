package main

import (
	bin "encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/netc/netc/tensorio"
)

const tv = "internal/export/statedict/testdata/tv/" // from the repository root, where netc runs

// TestImportTorchSave: a torch.save checkpoint of a small torchvision ResNet is imported
// (counters skipped and said so); --show prints the pairing and writes nothing; the same
// state dict as safetensors, which keeps no order, imports too (the module tree tells the
// projection shortcut from the third conv of one shape), and the two imports write the
// same weights.
func TestImportTorchSave(t *testing.T) {
	dir := t.TempDir()
	w1, w2 := filepath.Join(dir, "pt.safetensors"), filepath.Join(dir, "st.safetensors")
	spec := tv + "tiny_resnet50.toml"
	out := mustRun(t, "import", "--from", "pytorch", tv+"tiny_resnet50.pt", "--spec", spec, "--out", w1)
	if !strings.Contains(out, "62 tensors") || !strings.Contains(out, "(torch.save), matched by structure; skipped 12 num_batches_tracked counters") {
		t.Errorf("import said %q", out)
	}
	out = mustRun(t, "import", "--from", "pytorch", tv+"tiny_resnet50.pt", "--spec", spec, "--show")
	if !slices.ContainsFunc(strings.Split(out, "\n"), func(line string) bool {
		return strings.Join(strings.Fields(line), " ") == "stage1.bottleneck1.shortcut.projection.conv.weight layer1.0.downsample.0.weight [16 4 1 1]"
	}) || !strings.Contains(out, "nothing written") {
		t.Errorf("--show printed:\n%s", out)
	}
	mustRun(t, "import", "--from", "pytorch", tv+"tiny_resnet50.safetensors", "--spec", spec, "--out", w2)
	a, _, err := tensorio.ReadFile(w1)
	if err != nil {
		t.Fatal(err)
	}
	b, _, err := tensorio.ReadFile(w2)
	if err != nil {
		t.Fatal(err)
	}
	if len(a) != 62 || !slices.EqualFunc(a, b, func(x, y tensorio.Tensor) bool { return x.Name == y.Name && slices.Equal(x.Data, y.Data) }) {
		t.Error("the torch.save and the safetensors import differ")
	}

	bad := filepath.Join(dir, "bad.toml")
	os.WriteFile(bad, []byte(`"nope.*" = "layer1.*"`+"\n"), 0o644)
	_, stderr, code := netc(t, "import", "--from", "pytorch", tv+"tiny_resnet50.safetensors", "--spec", spec, "--map", bad, "--show")
	if code != exitInvalid || !strings.Contains(stderr, "bad.toml:1: \"nope.*\" matches no layer of the spec") {
		t.Errorf("exit %d:\n%s", code, stderr)
	}
}

// TestImportNotAStateDict: what is neither safetensors nor a torch.save zip says so.
func TestImportNotAStateDict(t *testing.T) {
	dir := t.TempDir()
	junk := filepath.Join(dir, "model.bin")
	os.WriteFile(junk, []byte("PK\x03\x04 not really a zip at all"), 0o644)
	_, stderr, code := netc(t, "import", "--from", "pytorch", junk, "--spec", tv+"swap.toml", "--show")
	if code != exitInvalid || !strings.Contains(stderr, "torch.save checkpoint: not a readable torch.save zip") {
		t.Errorf("exit %d:\n%s", code, stderr)
	}
	legacy := filepath.Join(dir, "old.pt")
	os.WriteFile(legacy, []byte("\x80\x02\x8a\x0al\xfc\x9cF\xf9 j\xa8P\x19."), 0o644)
	_, stderr, code = netc(t, "import", "--from", "pytorch", legacy, "--spec", tv+"swap.toml", "--show")
	if code != exitInvalid || !strings.Contains(stderr, "format before PyTorch 1.6") {
		t.Errorf("exit %d:\n%s", code, stderr)
	}
}

// TestImportSwapRefused: issue 17's silent mis-pairing. SwapNet runs two convolutions of
// one shape in the order block_y, block_x; sorted by name they were paired the other way
// round and the import exited 0 with logits 13% off. A safetensors file keeps no order,
// so the import now fails naming both (exit 1, nothing written); the torch.save
// checkpoint keeps the order of registration and imports, and so does the safetensors
// file with a --map line saying which is which.
func TestImportSwapRefused(t *testing.T) {
	dir := t.TempDir()
	w := filepath.Join(dir, "w.safetensors")
	_, stderr, code := netc(t, "import", "--from", "pytorch", tv+"swap.safetensors", "--spec", tv+"swap.toml", "--out", w)
	if code != exitInvalid || !strings.Contains(stderr, "could be PyTorch's block_x or block_y") {
		t.Errorf("exit %d:\n%s", code, stderr)
	}
	if _, err := os.Stat(w); err == nil {
		t.Error("an ambiguous import wrote its output")
	}
	out, stderr, code := netc(t, "import", "--from", "pytorch", tv+"swap.pt", "--spec", tv+"swap.toml", "--show")
	if code != 0 || !slices.ContainsFunc(strings.Split(out, "\n"), func(line string) bool {
		return strings.Join(strings.Fields(line), " ") == "conv2.weight block_y.weight [8 8 3 3]"
	}) {
		t.Errorf("exit %d:\n%s%s", code, out, stderr)
	}
	rules := filepath.Join(dir, "swap.map")
	os.WriteFile(rules, []byte(`"conv2" = "block_y"`+"\n"), 0o644)
	out, stderr, code = netc(t, "import", "--from", "pytorch", tv+"swap.safetensors", "--spec", tv+"swap.toml", "--map", rules, "--show")
	if code != 0 || !slices.ContainsFunc(strings.Split(out, "\n"), func(line string) bool {
		return strings.Join(strings.Fields(line), " ") == "conv3.weight block_x.weight [8 8 3 3]"
	}) {
		t.Errorf("with --map: exit %d:\n%s%s", code, out, stderr)
	}
}

// TestImportOverlappingRefused: issue 14's memory amplification. A safetensors file whose
// 200 entries all point at the same bytes is refused naming the overlap, before any
// tensor is read (it used to read the shared bytes once per entry: 4.45 GB for a 16 MB
// file).
func TestImportOverlappingRefused(t *testing.T) {
	const n, size = 200, 1 << 16
	var header strings.Builder
	header.WriteString("{")
	for i := range n {
		if i > 0 {
			header.WriteString(",")
		}
		fmt.Fprintf(&header, `"w%03d":{"dtype":"F32","shape":[%d],"data_offsets":[0,%d]}`, i, size/4, size)
	}
	header.WriteString("}")
	raw := bin.LittleEndian.AppendUint64(nil, uint64(header.Len()))
	raw = append(append(raw, header.String()...), make([]byte, size)...)
	path := filepath.Join(t.TempDir(), "overlap.safetensors")
	if err := os.WriteFile(path, raw, 0o644); err != nil {
		t.Fatal(err)
	}
	_, stderr, code := netc(t, "import", "--from", "pytorch", path, "--spec", tv+"swap.toml", "--out", filepath.Join(t.TempDir(), "w.safetensors"))
	if code != exitInvalid || !strings.Contains(stderr, `overlap tensor "w000"'s [0, 65536]`) {
		t.Errorf("exit %d:\n%s", code, stderr)
	}
}
