package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"google.golang.org/protobuf/proto"

	pb "github.com/netc/netc/internal/export/onnx/onnxpb"
	"github.com/netc/netc/tensorio"
)

func TestExportImportUsage(t *testing.T) {
	dir := t.TempDir()
	for _, args := range [][]string{
		{"export", "specs/lenet-bn.toml", "--format", "pytorch"},
		{"export", "specs/lenet-bn.toml", "--format", "keras", "--out", dir},
		{"export", "specs/nope.toml", "--format", "onnx", "--out", filepath.Join(dir, "m.onnx")},
		{"import", "--from", "tensorflow", "x.safetensors", "--spec", "specs/lenet-bn.toml", "--out", "w.safetensors"},
		{"import", "--from", "pytorch", "x.safetensors", "--out", "w.safetensors"},
		{"import", "--from", "pytorch", filepath.Join(dir, "absent.safetensors"), "--spec", "specs/lenet-bn.toml", "--out", "w.safetensors"},
	} {
		if _, stderr, code := netc(t, args...); code != exitUsage {
			t.Errorf("netc %s: exit %d, want %d\n%s", strings.Join(args, " "), code, exitUsage, stderr)
		}
	}
}

// TestExportImportRoundTrip: weights exported with the PyTorch module come back through
// netc import by name and give the same logits, byte for byte; an ONNX export holds them.
func TestExportImportRoundTrip(t *testing.T) {
	dir := t.TempDir()
	w, w2 := filepath.Join(dir, "w.safetensors"), filepath.Join(dir, "w2.safetensors")
	torchDir := filepath.Join(dir, "torch")
	mustRun(t, "init", "specs/lenet-bn.toml", "--seed", "3", "--out", w)
	out := mustRun(t, "export", "specs/lenet-bn.toml", "--format", "pytorch", "--out", torchDir, "--weights", w)
	for _, f := range []string{"model.py", "train_ddp.py", "weights.safetensors"} {
		if _, err := os.Stat(filepath.Join(torchDir, f)); err != nil || !strings.Contains(out, f) {
			t.Errorf("%s not written (%v): %s", f, err, out)
		}
	}
	src, _ := os.ReadFile(filepath.Join(torchDir, "model.py"))
	if !strings.Contains(string(src), "class LenetBn(nn.Sequential)") || !strings.Contains(string(src), "batchnorm3=nn.BatchNorm1d(120)") {
		t.Errorf("model.py:\n%s", src)
	}
	out = mustRun(t, "import", "--from", "pytorch", filepath.Join(torchDir, "weights.safetensors"), "--spec", "specs/lenet-bn.toml", "--out", w2)
	if !strings.Contains(out, "26 tensors") || !strings.Contains(out, "matched by name") {
		t.Errorf("import said %q", out)
	}
	x := make([]float32, 3*28*28)
	for i := range x {
		x[i] = float32(i%29) / 29
	}
	xPath := filepath.Join(dir, "x.npy")
	if err := tensorio.WriteNPY(xPath, []int{3, 1, 28, 28}, x); err != nil {
		t.Fatal(err)
	}
	y1, y2 := filepath.Join(dir, "y1.npy"), filepath.Join(dir, "y2.npy")
	mustRun(t, "infer", "specs/lenet-bn.toml", "--weights", w, "--input", xPath, "--out", y1)
	mustRun(t, "infer", "specs/lenet-bn.toml", "--weights", w2, "--input", xPath, "--out", y2)
	a, _ := os.ReadFile(y1)
	b, _ := os.ReadFile(y2)
	if !bytes.Equal(a, b) {
		t.Error("the logits changed on the way out and back in")
	}

	model := filepath.Join(dir, "m.onnx")
	out = mustRun(t, "export", "specs/lenet-bn.toml", "--format", "onnx", "--out", model, "--weights", w)
	raw, err := os.ReadFile(model)
	if err != nil {
		t.Fatal(err)
	}
	var m pb.ModelProto
	if err := proto.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	if m.GetOpsetImport()[0].GetVersion() != 17 || len(m.GetGraph().GetNode()) != 16 || !strings.Contains(out, "16 nodes") {
		t.Errorf("onnx export: %s, opset %v, %d nodes", out, m.GetOpsetImport(), len(m.GetGraph().GetNode()))
	}
	out = mustRun(t, "export", "specs/lenet-bn.toml", "--format", "onnx", "--out", model)
	if !strings.Contains(out, "initialized as netc init --init xavier --seed 0") {
		t.Errorf("an export without weights should say how it made them: %s", out)
	}
}

// TestImportMismatch: a state dict for another width fails with each tensor's name, the
// expected and the found shape, and exit 1.
func TestImportMismatch(t *testing.T) {
	dir := t.TempDir()
	w := filepath.Join(dir, "w.safetensors")
	mustRun(t, "init", "specs/lenet-bn.toml", "--out", w)
	spec, err := os.ReadFile("../../specs/lenet-bn.toml")
	if err != nil {
		t.Fatal(err)
	}
	wide := filepath.Join(dir, "wide.toml")
	if err := os.WriteFile(wide, bytes.Replace(spec, []byte(`out = 6, k = 5`), []byte(`out = 8, k = 5`), 1), 0o644); err != nil {
		t.Fatal(err)
	}
	_, stderr, code := netc(t, "import", "--from", "pytorch", w, "--spec", wide, "--out", filepath.Join(dir, "out.safetensors"))
	if code != exitInvalid {
		t.Fatalf("exit %d, want %d\n%s", code, exitInvalid, stderr)
	}
	for _, want := range []string{"conv1.weight: expected shape [8 1 5 5], found [6 1 5 5]", "batchnorm1.running_var: expected shape [8], found [6]",
		"conv2.weight: expected shape [16 8 5 5], found [16 6 5 5]"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "out.safetensors")); err == nil {
		t.Error("a failed import wrote its output")
	}
}

func mustRun(t *testing.T, args ...string) string {
	t.Helper()
	out, stderr, code := netc(t, args...)
	if code != 0 {
		t.Fatalf("netc %s: exit %d\n%s", strings.Join(args, " "), code, stderr)
	}
	return out
}
