package main

import (
	"encoding/csv"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/netc/netc/internal/data"
	"github.com/netc/netc/internal/data/datatest"
)

// lastTestAcc reads the test accuracy of the last epoch in a run's metrics.csv.
func lastTestAcc(t *testing.T, run string) string {
	t.Helper()
	f, err := os.Open(filepath.Join(run, "metrics.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil || len(rows) < 2 {
		t.Fatalf("metrics.csv: %v %v", err, rows)
	}
	for i, h := range rows[0] {
		if h == "test_acc" {
			return rows[len(rows)-1][i]
		}
	}
	t.Fatal("metrics.csv has no test_acc")
	return ""
}

// evalAccuracy runs netc eval and returns its accuracy (4 decimals) and stdout.
func evalAccuracy(t *testing.T, args ...string) (float64, string) {
	t.Helper()
	out, errOut, code := netc(t, append([]string{"eval"}, args...)...)
	if code != 0 {
		t.Fatalf("eval %v: exit %d\n%s%s", args, code, out, errOut)
	}
	var acc float64
	if _, err := fmt.Sscanf(out[strings.Index(out, "test accuracy"):], "test accuracy %f", &acc); err != nil {
		t.Fatalf("eval output:\n%s", out)
	}
	return acc, out
}

func writePNG(t *testing.T, path string, img image.Image) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := png.Encode(f, img); err != nil {
		t.Fatal(err)
	}
	f.Close()
}

// TestTrainEvalPredictOnImageFolder: a spec whose [data] names an image folder (class
// names from its folders, a normalization measured on its training images, a flip);
// eval and predict of the run's spec.toml then find the data, the class names and the
// measured normalization in run.json: eval of last.safetensors reproduces the last
// epoch's test accuracy of metrics.csv.
func TestTrainEvalPredictOnImageFolder(t *testing.T) {
	ds, err := data.LoadEmbedded()
	if err != nil {
		t.Fatal(err)
	}
	tmp := t.TempDir()
	tree := filepath.Join(tmp, "images")
	if err := datatest.WriteFolder(tree, ds, 600, 200); err != nil {
		t.Fatal(err)
	}
	spec, _ := os.ReadFile("../../specs/lenet-bn.toml")
	specPath := filepath.Join(tmp, "lenet-folder.toml")
	os.WriteFile(specPath, append(spec, "\n[data]\nformat = \"folder\"\ndir = \"images\"\nnormalize = \"measure\"\n[data.augment]\nhflip = 0.5\n"...), 0o644)
	run := filepath.Join(tmp, "run")
	out, errOut, code := netc(t, "train", specPath, "--epochs", "2", "--batch", "32", "--lr", "0.3", "--out", run)
	if code != 0 {
		t.Fatalf("train: exit %d\n%s%s", code, out, errOut)
	}
	if !strings.Contains(out, "data: image folder "+tree+", 10 classes, train/ and val/ (600 train / 200 test)") ||
		!strings.Contains(out, "inputs: normalized by mean [") || !strings.Contains(out, "horizontal flip p=0.5") {
		t.Errorf("train header:\n%s", out)
	}
	acc, out := evalAccuracy(t, filepath.Join(run, "spec.toml"), "--weights", filepath.Join(run, "last.safetensors"))
	if want := lastTestAcc(t, run); fmt.Sprintf("%.4f", acc) != want[:min(6, len(want))] {
		t.Errorf("eval accuracy %.4f, the run's last epoch %s", acc, want)
	}
	if !strings.Contains(out, "T-shirt-top") || !strings.Contains(out, "of 200)") {
		t.Errorf("eval output:\n%s", out)
	}
	img := image.NewGray(image.Rect(0, 0, 28, 28))
	copy(img.Pix, ds.Test.Image(0))
	item := filepath.Join(tmp, "item.png")
	writePNG(t, item, img)
	out, errOut, code = netc(t, "predict", filepath.Join(run, "spec.toml"), "--weights", filepath.Join(run, "last.safetensors"), item)
	if code != 0 {
		t.Fatalf("predict: exit %d\n%s%s", code, out, errOut)
	}
	named := false
	for l := range uint8(10) {
		named = named || strings.Contains(out, datatest.FolderName(l)+" 0.")
	}
	if !named {
		t.Errorf("predict does not use the folder's class names:\n%s", out)
	}
	if _, errOut, code := netc(t, "train", "--resume", run, "--hflip", "0"); code != 2 || !strings.Contains(errOut, "--hflip cannot change a run being resumed") {
		t.Errorf("resume with --hflip: exit %d\n%s", code, errOut)
	}
}

// TestTrainEvalPredictOnCIFAR: a 3-channel network trained on a CIFAR-format directory
// given by flags alone (format, normalization, augmentation), then evaluated and asked
// to classify an RGB PNG with the same flags.
func TestTrainEvalPredictOnCIFAR(t *testing.T) {
	ds, err := data.LoadEmbedded()
	if err != nil {
		t.Fatal(err)
	}
	tmp := t.TempDir()
	dir := filepath.Join(tmp, "cifar")
	os.Mkdir(dir, 0o755)
	if err := datatest.WriteCIFAR(dir, ds, 400, 100); err != nil {
		t.Fatal(err)
	}
	specPath := filepath.Join(tmp, "tiny.toml")
	os.WriteFile(specPath, []byte(`name = "tiny-rgb"
input = { channels = 3, height = 32, width = 32 }
classes = 10
layers = [
  { op = "conv", out = 8, k = 3, pad = 1 }, { op = "batchnorm", act = "relu" },
  { op = "maxpool", k = 4, stride = 4 },
  { op = "flatten" }, { op = "linear", out = "classes" },
]
[train]
lr = 0.05
epochs = 1
batch = 50
`), 0o644)
	norm := []string{"--data", dir, "--data-format", "cifar10", "--mean", "0.3,0.3,0.7", "--std", "0.35,0.35,0.35"}
	run := filepath.Join(tmp, "run")
	out, errOut, code := netc(t, append([]string{"train", specPath, "--input", "3x28x28", "--out", run, "--crop-padding", "4", "--hflip", "0.5", "--resized-crop", "--data-workers", "2"}, norm...)...)
	if code != 0 {
		t.Fatalf("train: exit %d\n%s%s", code, out, errOut)
	}
	acc, out := evalAccuracy(t, append([]string{specPath, "--input", "3x28x28", "--weights", filepath.Join(run, "last.safetensors")}, norm...)...)
	if want := lastTestAcc(t, run); fmt.Sprintf("%.4f", acc) != want[:min(6, len(want))] || !strings.Contains(out, "Ankle boot") {
		t.Errorf("eval accuracy %.4f, the run's last epoch %s; output:\n%s", acc, want, out)
	}
	// The run's spec.toml alone: input size, data and normalization come from run.json.
	if again, out := evalAccuracy(t, filepath.Join(run, "spec.toml"), "--weights", filepath.Join(run, "last.safetensors")); again != acc {
		t.Errorf("eval of the run's spec.toml: accuracy %.4f, with flags %.4f; output:\n%s", again, acc, out)
	}
	pix := datatest.CIFARPixels(ds.Test.Image(0))
	img := image.NewNRGBA(image.Rect(0, 0, 32, 32))
	for p := range 1024 {
		img.SetNRGBA(p%32, p/32, color.NRGBA{pix[p], pix[1024+p], pix[2048+p], 255})
	}
	item := filepath.Join(tmp, "item.png")
	writePNG(t, item, img)
	out, errOut, code = netc(t, append([]string{"predict", specPath, "--input", "3x28x28", "--weights", filepath.Join(run, "last.safetensors"), item}, norm...)...)
	if code != 0 || !strings.HasPrefix(out, item+": ") || strings.Contains(out, "class 0") {
		t.Fatalf("predict: exit %d\n%s%s", code, out, errOut)
	}
	if _, errOut, code := netc(t, "eval", specPath, "--weights", filepath.Join(run, "last.safetensors"), "--data", dir, "--data-format", "cifar"); code != 2 || !strings.Contains(errOut, "--data-format \"cifar\", expected one of") {
		t.Errorf("bad format: exit %d\n%s", code, errOut)
	}
}
