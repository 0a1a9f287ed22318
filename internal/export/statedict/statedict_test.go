package statedict

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/netc/netc/compiler/ir"
	"github.com/netc/netc/internal/testenv"
	"github.com/netc/netc/runner"
	"github.com/netc/netc/tensorio"
)

// entry is one tensor of a hand-made safetensors file.
type entry struct {
	name, dtype string
	shape       []int
	raw         []byte
}

func writeFile(t *testing.T, entries []entry) string {
	t.Helper()
	header := map[string]any{"__metadata__": map[string]string{"format": "pt"}}
	var data []byte
	for _, e := range entries {
		header[e.name] = map[string]any{"dtype": e.dtype, "shape": e.shape, "data_offsets": []int{len(data), len(data) + len(e.raw)}}
		data = append(data, e.raw...)
	}
	h, _ := json.Marshal(header)
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

func le16(xs ...uint16) []byte {
	b := make([]byte, 2*len(xs))
	for i, x := range xs {
		binary.LittleEndian.PutUint16(b[2*i:], x)
	}
	return b
}

// TestReadDtypes: half, bfloat16 and double are widened exactly (values worked out by
// hand from IEEE 754), counters are skipped, and other integers are refused.
func TestReadDtypes(t *testing.T) {
	f64 := make([]byte, 16)
	binary.LittleEndian.PutUint64(f64, math.Float64bits(0.1))
	binary.LittleEndian.PutUint64(f64[8:], math.Float64bits(-3))
	path := writeFile(t, []entry{
		// 1, -2, 65504 (largest half), 2^-24 (smallest subnormal), -0, +inf
		{"h", "F16", []int{6}, le16(0x3c00, 0xc000, 0x7bff, 0x0001, 0x8000, 0x7c00)},
		{"bf", "BF16", []int{2}, le16(0x3f80, 0xc0a0)}, // 1, -5
		{"d", "F64", []int{2}, f64},
		{"bn.num_batches_tracked", "I64", []int{}, make([]byte, 8)},
	})
	ts, skipped, err := Read(path)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][]float32{
		"h":  {1, -2, 65504, float32(math.Ldexp(1, -24)), float32(math.Copysign(0, -1)), float32(math.Inf(1))},
		"bf": {1, -5}, "d": {0.1, -3},
	}
	if len(ts) != 3 || !slices.Equal(skipped, []string{"bn.num_batches_tracked"}) {
		t.Fatalf("got %d tensors, skipped %v", len(ts), skipped)
	}
	for _, x := range ts {
		for i, v := range want[x.Name] {
			if math.Float32bits(x.Data[i]) != math.Float32bits(v) {
				t.Errorf("%s[%d] = %v, want %v", x.Name, i, x.Data[i], v)
			}
		}
	}

	bad := []struct {
		entries []entry
		msg     string
	}{
		{[]entry{{"step", "I64", []int{1}, make([]byte, 8)}}, `"step" has dtype I64`},
		{[]entry{{"w", "F32", []int{1}, make([]byte, 8)}}, "hold 8 bytes, shape [1] of F32 needs 4"},
		{[]entry{{"w", "F32", []int{1 << 40, 1 << 40}, make([]byte, 8)}}, "more elements than"},
		{[]entry{{"w", "Q9", []int{1}, make([]byte, 4)}}, `unknown dtype "Q9"`},
	}
	for _, c := range bad {
		if _, _, err := Read(writeFile(t, c.entries)); err == nil || !strings.Contains(err.Error(), c.msg) {
			t.Errorf("%v: got %v, want an error with %q", c.entries[0].name, err, c.msg)
		}
	}
}

// net is lenet-bn: convs, linears and batchnorms of both kinds.
func net(t *testing.T) *ir.Graph {
	t.Helper()
	return testenv.Spec(t, "lenet-bn")
}

func tensor(name string, shape ...int) tensorio.Tensor {
	n := 1
	for _, d := range shape {
		n *= d
	}
	return tensorio.Tensor{Name: name, Shape: shape, Data: make([]float32, n)}
}

// lenetAsSequential is lenet-bn's state dict as the book's nn.Sequential names it.
func lenetAsSequential() []tensorio.Tensor {
	bn := func(i, c int) []tensorio.Tensor {
		p := strconv.Itoa(i)
		return []tensorio.Tensor{tensor(p+".weight", c), tensor(p+".bias", c), tensor(p+".running_mean", c), tensor(p+".running_var", c)}
	}
	ts := []tensorio.Tensor{tensor("0.weight", 6, 1, 5, 5), tensor("0.bias", 6)}
	ts = append(ts, bn(1, 6)...)
	ts = append(ts, tensor("4.weight", 16, 6, 5, 5), tensor("4.bias", 16))
	ts = append(ts, bn(5, 16)...)
	ts = append(ts, tensor("9.weight", 120, 256), tensor("9.bias", 120))
	ts = append(ts, bn(10, 120)...)
	ts = append(ts, tensor("12.weight", 84, 120), tensor("12.bias", 84))
	ts = append(ts, bn(13, 84)...)
	ts = append(ts, tensor("15.weight", 10, 84), tensor("15.bias", 10))
	slices.Reverse(ts) // file order must not matter
	return ts
}

// TestByStructure maps the book's names onto netc's by kind and order (12 before 9 as
// strings, after it as numbers), and names each misfit with both shapes.
func TestByStructure(t *testing.T) {
	g := net(t)
	res, err := Map(g, lenetAsSequential(), Auto)
	if err != nil {
		t.Fatal(err)
	}
	if res.By != Structure || len(res.Tensors) != 26 {
		t.Fatalf("by %s, %d tensors", res.By, len(res.Tensors))
	}
	pairs := map[string]string{}
	for _, p := range res.Pairs {
		pairs[p.To] = p.From
	}
	for to, from := range map[string]string{"conv1.weight": "0.weight", "batchnorm3.running_var": "10.running_var",
		"linear2.weight": "12.weight", "linear1.bias": "9.bias", "linear3.weight": "15.weight"} {
		if pairs[to] != from {
			t.Errorf("%s came from %q, want %s", to, pairs[to], from)
		}
	}

	wrong := lenetAsSequential()
	for i := range wrong {
		if wrong[i].Name == "12.weight" {
			wrong[i] = tensor("12.weight", 84, 100)
		}
	}
	_, err = Map(g, wrong, Auto)
	if err == nil || !strings.Contains(err.Error(), "dense [84 100] with bias: the spec has 0 (none), the state dict 1 (12)") ||
		!strings.Contains(err.Error(), "dense [84 120] with bias: the spec has 1 (linear2), the state dict 0 (none)") {
		t.Errorf("got %v", err)
	}

	short := lenetAsSequential()[2:] // without 15.weight and 15.bias: one linear layer less
	_, err = Map(g, short, Structure)
	if err == nil || !strings.Contains(err.Error(), "dense [10 84] with bias: the spec has 1 (linear3), the state dict 0 (none)") {
		t.Errorf("got %v", err)
	}
}

// TestByName: netc's own names are matched by name; wrong shapes, missing and unknown
// tensors are each reported.
func TestByName(t *testing.T) {
	g := net(t)
	var ts []tensorio.Tensor
	for _, l := range Layers(g) {
		for _, x := range l.Tensors {
			ts = append(ts, tensor(x.FullName(l.Name), x.Shape...))
		}
	}
	if res, err := Map(g, ts, Auto); err != nil || res.By != ByName {
		t.Fatalf("by %v: %v", res, err)
	}
	ts[0] = tensor("conv1.weight", 6, 3, 5, 5)
	ts = append(ts[:2], ts[3:]...) // no batchnorm1.weight
	ts = append(ts, tensor("head.weight", 2, 2))
	_, err := Map(g, ts, Auto)
	for _, want := range []string{"conv1.weight: expected shape [6 1 5 5], found [6 3 5 5]", "batchnorm1.weight: missing (expected shape [6])",
		"head.weight [2 2]: the spec has no such parameter"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("got %v, want %q", err, want)
		}
	}
}

// TestBookModels imports the book's own PyTorch definitions (their names, their order,
// int64 counters and all) by structure, and netc then computes PyTorch's logits.
func TestBookModels(t *testing.T) {
	testenv.NeedPython(t, "torch", "numpy")
	nets := []string{"lenet-bn:28", "googlenet:96", "resnet18:96", "densenet:96", "nin:224", "alexnet:224", "vgg11:224"}
	if testing.Short() {
		nets = nets[:4]
	}
	dir := t.TempDir()
	cmd := exec.Command(testenv.Python, append([]string{"testdata/d2l_state.py", dir}, nets...)...)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	for _, nn := range nets {
		name := strings.Split(nn, ":")[0]
		g := testenv.Spec(t, name)
		src, skipped, err := Read(filepath.Join(dir, name+".safetensors"))
		if err != nil {
			t.Fatal(err)
		}
		res, err := Map(g, src, Auto)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		m, err := runner.NewModel(g)
		if err != nil {
			t.Fatal(err)
		}
		if err := m.Params.Set(name, res.Tensors); err != nil {
			t.Fatal(err)
		}
		xs, x, err := tensorio.ReadNPY(filepath.Join(dir, name+".x.npy"))
		if err != nil {
			t.Fatal(err)
		}
		_, y, err := tensorio.ReadNPY(filepath.Join(dir, name+".y.npy"))
		if err != nil {
			t.Fatal(err)
		}
		got, err := m.Infer(x, xs[0], xs[0], false)
		if err != nil {
			t.Fatal(err)
		}
		rel := testenv.RelErr(got, y)
		t.Logf("%-9s imported by %s (%d counters skipped): netc vs PyTorch relative error %.2e", name, res.By, len(skipped), rel)
		if res.By != Structure || rel > 1e-5 {
			t.Errorf("%s: by %s, relative error %.3g", name, res.By, rel)
		}
	}
}
