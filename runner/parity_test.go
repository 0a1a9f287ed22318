package runner

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/netc/netc/compiler"
	"github.com/netc/netc/compiler/ir"
	"github.com/netc/netc/compiler/plan"
	"github.com/netc/netc/tensorio"
)

// parityFixture is what PyTorch computed (tools/parity_fixtures.py) from netc's initial
// weights on two real Fashion-MNIST test images.
type parityFixture struct {
	Net           string    `json:"net"`
	Spec          string    `json:"spec"`  // modern nets: the spec, from the repository root
	Input         []int     `json:"input"` // modern nets: the input size it ran at
	Seed          uint64    `json:"seed"`
	WeightsSHA256 string    `json:"weights_sha256"`
	Labels        []int32   `json:"labels"`
	EvalLogits    []float64 `json:"eval_logits"`
	TrainLogits   []float64 `json:"train_logits"`
	Loss          float64   `json:"loss"`
	Grads         map[string]struct {
		Norm  float64   `json:"norm"`
		Index []int     `json:"index"`
		Value []float64 `json:"value"`
		// PyTorch's own float32 run against the float64 reference.
		Torch32Norm      float64 `json:"torch32_norm"`
		Torch32SampleErr float64 `json:"torch32_sample_err"`
		Torch32NormErr   float64 `json:"torch32_norm_err"`
	} `json:"grads"`
}

// readFixture decodes testdata/<dir>/<name>.json into v.
func readFixture(t *testing.T, dir, name string, v any) {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", dir, name+".json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(raw, v); err != nil {
		t.Fatal(err)
	}
}

func loadParity(t *testing.T, name string) (parityFixture, []float32) {
	t.Helper()
	var f parityFixture
	readFixture(t, "parity", name, &f)
	_, x, err := tensorio.ReadNPY(filepath.Join("testdata", "parity", name+".input.npy"))
	if err != nil {
		t.Fatal(err)
	}
	return f, x
}

// modelAsNetcInit returns g's model with the weights `netc init --seed seed` writes. A
// fixture was computed from that file; the same weights (by SHA-256 of the file as
// tensorio.Write lays it out, without the checksum entry WriteFile adds, as the fixture
// tools' read_safetensors computes it) must come out here, or comparing with it means
// nothing.
func modelAsNetcInit(t *testing.T, g *ir.Graph, seed uint64, wantSHA256, fixtureTool string) *Model {
	t.Helper()
	m, err := NewModel(g)
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Params.Init(InitXavier, seed); err != nil {
		t.Fatal(err)
	}
	wfile := filepath.Join(t.TempDir(), "w.safetensors")
	if err := m.Params.Save(wfile, map[string]string{"spec": g.Name, "init": InitXavier, "seed": fmt.Sprint(seed), "format": "netc"}); err != nil {
		t.Fatal(err)
	}
	ts, meta, err := tensorio.ReadFile(wfile)
	if err != nil {
		t.Fatal(err)
	}
	h := sha256.New()
	if err := tensorio.Write(h, ts, meta); err != nil {
		t.Fatal(err)
	}
	if got := hex.EncodeToString(h.Sum(nil)); got != wantSHA256 {
		t.Fatalf("initial weights changed (sha256 %s, fixture %s): regenerate with %s", got[:12], wantSHA256[:12], fixtureTool)
	}
	return m
}

// relErr is ||a - b|| / ||b||.
func relErr(a []float32, b []float64) float64 {
	var num, den float64
	for i := range b {
		d := float64(a[i]) - b[i]
		num += d * d
		den += b[i] * b[i]
	}
	if den == 0 { // a reference of exact zeros (taps that only ever see padding)
		if num == 0 {
			return 0
		}
		return math.Inf(1)
	}
	return math.Sqrt(num / den)
}

func norm(a []float32) float64 {
	var s float64
	for _, x := range a {
		s += float64(x) * float64(x)
	}
	return math.Sqrt(s)
}

// TestParityWithPyTorch runs each of the chapter's networks with the weights `netc init`
// gives and compares with PyTorch computing in float64 from the same float32 weights and
// input: logits in eval and train mode, the loss, and every parameter's gradient.
// Thresholds: 1e-4 relative for outputs and loss; 1e-3 for each gradient tensor (its norm
// and its sampled entries), or twice PyTorch's own float32 error when that is larger.
func TestParityWithPyTorch(t *testing.T) {
	nets := []string{"alexnet", "vgg11", "nin", "googlenet", "lenet-bn", "resnet18", "densenet"}
	if testing.Short() {
		nets = []string{"lenet-bn", "googlenet", "resnet18", "densenet"}
	}
	for _, name := range nets {
		t.Run(name, func(t *testing.T) {
			f, x := loadParity(t, name)
			g := compileSpec(t, name, compiler.Options{})
			m := modelAsNetcInit(t, g, f.Seed, f.WeightsSHA256, "tools/parity_fixtures.py")
			compareWithFixture(t, name, m, f, x)
		})
	}
}

// TestParityModernNets does the same for the torchvision families built from the ops that
// came after the book, against torchvision 0.14's own definitions, and for a small
// network of every new op against the same network written by hand in PyTorch (fixtures
// from tools/modern_parity_fixtures.py), with every batchnorm's statistics and
// affine parameters, the layernorms and ConvNeXt's layer scale set away from their
// initial values (perturbConstants) so that a mis-mapped one shows.
func TestParityModernNets(t *testing.T) {
	for _, name := range []string{"modern_ops", "efficientnet_b0", "convnext_tiny", "shufflenet_v2", "mobilenet_v3_large"} {
		t.Run(name, func(t *testing.T) {
			f, x := loadParity(t, name)
			g, err := compiler.Check(filepath.Join("..", f.Spec), compiler.Options{Input: ir.Shape(f.Input).String()})
			if err != nil {
				t.Fatal(err)
			}
			m := modelAsNetcInit(t, g, f.Seed, f.WeightsSHA256, "tools/modern_parity_fixtures.py")
			perturbConstants(m.Params)
			compareWithFixture(t, name, m, f, x)
		})
	}
}

// perturbConstants replaces every constant-initialised tensor by a fixed formula of its
// element index j and its position t in the plan's parameter order, the one
// tools/modern_parity_fixtures.py applies (exact in float64, rounded once to float32).
func perturbConstants(ps *Params) {
	for t, p := range ps.List {
		if p.Init != ir.InitConst {
			continue
		}
		for j := range p.Data {
			jf, tf := float64(j), float64(t)
			var v float64
			switch {
			case strings.HasSuffix(p.Name, ".running_mean"):
				v = math.Mod(jf*37+tf*11, 101)/101 - 0.5
			case strings.HasSuffix(p.Name, ".running_var"):
				v = 0.5 + math.Mod(jf*53+tf*7, 97)/97
			case strings.HasSuffix(p.Name, ".bias"):
				v = math.Mod(jf*31+tf*17, 83)/83 - 0.5
			default:
				v = 0.75 + math.Mod(jf*29+tf*13, 89)/178
			}
			p.Data[j] = float32(v)
		}
	}
	ps.Version++
}

// compareWithFixture checks m's logits (inference plan, and training plan in eval and
// train mode), loss and gradients on the fixture's input against PyTorch's.
func compareWithFixture(t *testing.T, name string, m *Model, f parityFixture, x []float32) {
	t.Helper()
	batch := len(f.Labels)
	worst, worstWhat := 0.0, ""
	check := func(what string, err, limit float64) {
		if err/limit > worst {
			worst, worstWhat = err/limit, fmt.Sprintf("%s (%.2e against %.2e)", what, err, limit)
		}
		if err > limit || math.IsNaN(err) {
			t.Errorf("%s: relative error %.2e > %.0e", what, err, limit)
		}
	}

	// Eval mode through the inference plan (batchnorm folded, views, in place).
	infer, err := m.Infer(x, batch, batch, false)
	if err != nil {
		t.Fatal(err)
	}
	check("eval logits (inference plan)", relErr(infer, f.EvalLogits), 1e-4)

	net, err := m.Net(plan.Training, batch)
	if err != nil {
		t.Fatal(err)
	}
	net.DropoutOff = true
	copy(net.Input(), x)
	net.Forward(false)
	check("eval logits (training plan)", relErr(net.Logits(), f.EvalLogits), 1e-4)

	copy(net.Input(), x)
	net.Forward(true)
	check("train logits", relErr(net.Logits(), f.TrainLogits), 1e-4)
	loss, _ := net.Loss(f.Labels)
	check("loss", math.Abs(float64(loss)-f.Loss)/math.Abs(f.Loss), 1e-4)
	m.Params.ZeroGrads()
	net.Backward()
	for pname, want := range f.Grads {
		p := m.Params.Get(pname)
		if p == nil {
			t.Errorf("no parameter %s", pname)
			continue
		}
		// A gradient PyTorch computes as exactly zero in float64 (a conv bias whose every
		// path to the loss starts with a batchnorm, which removes per-channel constants)
		// cannot be compared relatively: both float32 runs give rounding noise. Ours must
		// be as negligible as PyTorch's next to the layer's weight gradient.
		if w, ok := f.Grads[strings.TrimSuffix(pname, "bias")+"weight"]; ok && strings.HasSuffix(pname, ".bias") && want.Norm <= 1e-9*w.Norm {
			check("gradient of "+pname+" (exactly zero; noise vs the weight gradient)", norm(p.Grad)/w.Norm, math.Max(1e-4, 2*want.Torch32Norm/w.Norm))
			continue
		}
		sample := make([]float32, len(want.Index))
		for i, ix := range want.Index {
			sample[i] = p.Grad[ix]
		}
		// 1e-3, or twice PyTorch's own float32 error where a long cancelling reduction
		// makes float32 itself less accurate than that.
		check("gradient of "+pname+" (sampled entries)", relErr(sample, want.Value), math.Max(1e-3, 2*want.Torch32SampleErr))
		check("gradient of "+pname+" (norm)", math.Abs(norm(p.Grad)-want.Norm)/want.Norm, math.Max(1e-3, 2*want.Torch32NormErr))
	}
	t.Logf("%s: worst error is %.3f of its threshold: %s", name, worst, worstWhat)
}
