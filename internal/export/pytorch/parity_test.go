package pytorch

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"

	"github.com/netc/netc/internal/export/statedict"
	"github.com/netc/netc/internal/testenv"
	"github.com/netc/netc/runner"
	"github.com/netc/netc/tensorio"
)

// The seven networks of the chapter, then the ImageNet ones (whose blocks differ most
// between instances) and the specs of every op; -short keeps the small ones.
var seven = []string{"lenet-bn", "googlenet", "resnet18", "densenet", "nin", "alexnet", "vgg11"}

func specsFor(t *testing.T) []string {
	if testing.Short() {
		return []string{"lenet-bn", "densenet", testenv.Ops, testenv.ModernOps}
	}
	return append(append(seven, "mobilenet_v2", "resnet50", testenv.Ops, testenv.ModernOps), testenv.Modern...)
}

// TestPyTorchParity: netc's weights, loaded by the generated module, give netc's logits
// in PyTorch (relative error ≤ 1e-5), under netc's parameter names; the weights the
// module saves come back through the importer unchanged and give the same logits again.
func TestPyTorchParity(t *testing.T) {
	testenv.NeedPython(t, "torch", "numpy")
	dir := t.TempDir()
	type job struct {
		Dir     string `json:"dir"`
		Weights string `json:"weights"`
		X       string `json:"x"`
		Y       string `json:"y"`
		Saved   string `json:"saved"`

		model  *runner.Model
		logits []float32
		n      int
	}
	var jobs []*job
	for _, name := range specsFor(t) {
		g := testenv.Spec(t, name)
		m := testenv.Model(t, g, 1)
		d := filepath.Join(dir, g.Name)
		files, err := Generate(g, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if err := files.Write(d); err != nil {
			t.Fatal(err)
		}
		j := &job{Dir: d, Weights: filepath.Join(d, "weights.safetensors"), X: filepath.Join(d, "x.npy"),
			Y: filepath.Join(d, "y.npy"), Saved: filepath.Join(d, "saved.safetensors"), model: m, n: 4}
		if g.Input[1] > 100 {
			j.n = 2
		}
		if err := m.Params.Save(j.Weights, nil); err != nil {
			t.Fatal(err)
		}
		x := testenv.Images(t, g, j.n)
		if err := tensorio.WriteNPY(j.X, []int{j.n, g.Input[0], g.Input[1], g.Input[2]}, x); err != nil {
			t.Fatal(err)
		}
		if j.logits, err = m.Infer(x, j.n, j.n, false); err != nil { // what netc infer computes
			t.Fatal(err)
		}
		jobs = append(jobs, j)
	}
	spec, _ := json.Marshal(jobs)
	jobsFile := filepath.Join(dir, "jobs.json")
	if err := os.WriteFile(jobsFile, spec, 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(testenv.Python, "testdata/run_module.py", jobsFile)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%v\n%s", err, stderr.Bytes())
	}
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(nil, 1<<24)
	for _, j := range jobs {
		if !sc.Scan() {
			t.Fatalf("run_module.py printed no line for %s:\n%s", j.Dir, stderr.Bytes())
		}
		var res struct {
			Spec string           `json:"spec"`
			Keys map[string][]int `json:"keys"`
		}
		if err := json.Unmarshal(sc.Bytes(), &res); err != nil {
			t.Fatal(err)
		}
		name := res.Spec
		// The state dict is netc's parameters, name for name and shape for shape.
		if len(res.Keys) != len(j.model.Params.List) {
			t.Errorf("%s: the module's state dict has %d tensors, netc %d", name, len(res.Keys), len(j.model.Params.List))
		}
		for _, p := range j.model.Params.List {
			if shape, ok := res.Keys[p.Name]; !ok || !slices.Equal(shape, p.Shape) {
				t.Errorf("%s: state dict key %s: shape %v (present %v), netc %v", name, p.Name, shape, ok, p.Shape)
			}
		}
		_, y, err := tensorio.ReadNPY(j.Y)
		if err != nil {
			t.Fatal(err)
		}
		rel := testenv.RelErr(y, j.logits)
		t.Logf("%-9s PyTorch vs netc infer: relative error %.2e", name, rel)
		if rel > 1e-5 {
			t.Errorf("%s: PyTorch's logits differ from netc's: relative error %.3g > 1e-5\nnetc    %v\nPyTorch %v", name, rel, j.logits[:10], y[:10])
		}
		// Round trip: what the module saves imports by name, unchanged, and infers the same.
		src, skipped, err := statedict.Read(j.Saved)
		if err != nil {
			t.Fatal(err)
		}
		res2, err := statedict.Map(j.model.Graph, src, statedict.Auto)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if res2.By != statedict.ByName || len(skipped) != 0 {
			t.Errorf("%s: saved weights matched by %s with %d skipped, want by name with none", name, res2.By, len(skipped))
		}
		back, err := runner.NewModel(j.model.Graph)
		if err != nil {
			t.Fatal(err)
		}
		if err := back.Params.Set(j.Saved, res2.Tensors); err != nil {
			t.Fatal(err)
		}
		for _, p := range j.model.Params.List {
			if !slices.Equal(back.Params.Get(p.Name).Data, p.Data) {
				t.Errorf("%s: %s changed on the way through PyTorch", name, p.Name)
			}
		}
		x, _ := readX(t, j.X)
		again, err := back.Infer(x, j.n, j.n, false)
		if err != nil {
			t.Fatal(err)
		}
		if rel := testenv.RelErr(again, j.logits); rel != 0 {
			t.Errorf("%s: logits after netc -> PyTorch -> netc import differ: relative error %.3g", name, rel)
		}
	}
}

func readX(t *testing.T, path string) ([]float32, []int) {
	t.Helper()
	shape, x, err := tensorio.ReadNPY(path)
	if err != nil {
		t.Fatal(err)
	}
	return x, shape
}
