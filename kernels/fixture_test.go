package kernels

import (
	"encoding/json"
	"os"
	"testing"
)

// The fixture holds results computed by PyTorch 1.13 (CPU) with
// tools/kernel_fixtures.py; regenerate with
//
//	/usr/bin/python3 tools/kernel_fixtures.py
//
// Values are float32 written as their shortest round-trip decimal, decoded
// straight into float32.

type fxTensor struct {
	Shape []int     `json:"shape"`
	Data  []float32 `json:"data"`
}

type fxCase struct {
	Name   string `json:"name"`
	Op     string `json:"op"`
	Params struct {
		Kernel, Stride, Padding, Dilation, Size []int
		CeilMode                                bool `json:"ceil_mode"`
		CountIncludePad                         bool `json:"count_include_pad"`
		Groups, Out                             int
		Eps, Momentum, LR                       float64
		WeightDecay                             float32 `json:"weight_decay"`
	} `json:"params"`
	X, Y, DY, DX, W, B, DW, DB fxTensor
	Gamma, Beta, DGamma, DBeta fxTensor
	RunningMeanBefore          fxTensor `json:"running_mean_before"`
	RunningVarBefore           fxTensor `json:"running_var_before"`
	RunningMean                fxTensor `json:"running_mean"`
	RunningVar                 fxTensor `json:"running_var"`
	XEval                      fxTensor `json:"x_eval"`
	YEval                      fxTensor `json:"y_eval"`
	Labels                     []int32
	Loss                       float64
	Correct                    int
	W0                         []float32
	Grads, Ws                  [][]float32
}

func loadFixtures(t *testing.T) []fxCase {
	t.Helper()
	b, err := os.ReadFile("testdata/torch_fixtures.json")
	if err != nil {
		t.Fatal(err)
	}
	var f struct {
		Torch string   `json:"torch"`
		Cases []fxCase `json:"cases"`
	}
	if err := json.Unmarshal(b, &f); err != nil {
		t.Fatal(err)
	}
	if len(f.Cases) == 0 {
		t.Fatal("no fixture cases")
	}
	return f.Cases
}

// torchTol: agreement with PyTorch within float32 rounding (normwise).
const torchTol = 1e-5

func expectTorch(t *testing.T, c fxCase, what string, got []float32, want fxTensor) {
	t.Helper()
	if len(want.Data) == 0 {
		t.Fatalf("%s: fixture has no %s", c.Name, what)
	}
	expect(t, "vs PyTorch", c.Name+": "+what, got, to64(want.Data), torchTol)
}

func TestAgainstPyTorch(t *testing.T) {
	seen := map[string]bool{}
	for _, c := range loadFixtures(t) {
		seen[c.Op] = true
		p := c.Params
		switch c.Op {
		case "maxpool", "avgpool":
			s := c.X.Shape
			g := PoolGeom{N: s[0], C: s[1], H: s[2], W: s[3], KH: p.Kernel[0], KW: p.Kernel[1], SH: p.Stride[0], SW: p.Stride[1],
				PH: p.Padding[0], PW: p.Padding[1], CeilMode: p.CeilMode, CountIncludePad: p.CountIncludePad}
			if err := g.Init(); err != nil {
				t.Fatal(err)
			}
			if g.OH != c.Y.Shape[2] || g.OW != c.Y.Shape[3] {
				t.Fatalf("%s: output %dx%d, PyTorch %v", c.Name, g.OH, g.OW, c.Y.Shape)
			}
			y, dx := garbage(g.OutLen()), garbage(g.InLen())
			if c.Op == "maxpool" {
				MaxPoolForward(g, c.X.Data, y)
				MaxPoolBackward(g, c.X.Data, c.DY.Data, dx, false)
			} else {
				AvgPoolForward(g, c.X.Data, y)
				AvgPoolBackward(g, c.DY.Data, dx, false)
			}
			expectTorch(t, c, "y", y, c.Y)
			expectTorch(t, c, "dx", dx, c.DX)
		case "adaptive_avgpool":
			s := c.X.Shape
			g := AdaptivePoolGeom{N: s[0], C: s[1], H: s[2], W: s[3], OH: p.Size[0], OW: p.Size[1]}
			if err := g.Init(); err != nil {
				t.Fatal(err)
			}
			y, dx := garbage(g.OutLen()), garbage(g.InLen())
			AdaptiveAvgPoolForward(g, c.X.Data, y)
			AdaptiveAvgPoolBackward(g, c.DY.Data, dx, false)
			expectTorch(t, c, "y", y, c.Y)
			expectTorch(t, c, "dx", dx, c.DX)
		case "conv":
			s := c.X.Shape
			g := ConvGeom{N: s[0], C: s[1], H: s[2], W: s[3], K: p.Out, KH: p.Kernel[0], KW: p.Kernel[1],
				SH: p.Stride[0], SW: p.Stride[1], PH: p.Padding[0], PW: p.Padding[1], DH: p.Dilation[0], DW: p.Dilation[1], Groups: p.Groups}
			if err := g.Init(); err != nil {
				t.Fatal(err)
			}
			if g.OH != c.Y.Shape[2] || g.OW != c.Y.Shape[3] {
				t.Fatalf("%s: output %dx%d, PyTorch %v", c.Name, g.OH, g.OW, c.Y.Shape)
			}
			col := garbage(g.ColSize())
			y, dx, dw, db := garbage(g.OutLen()), garbage(g.InLen()), garbage(g.WeightLen()), garbage(g.K)
			ConvForward(g, c.X.Data, c.W.Data, c.B.Data, y, col)
			ConvBackwardData(g, c.W.Data, c.DY.Data, dx, col, false)
			ConvBackwardFilter(g, c.X.Data, c.DY.Data, dw, db, col)
			expectTorch(t, c, "y", y, c.Y)
			expectTorch(t, c, "dx", dx, c.DX)
			expectTorch(t, c, "dw", dw, c.DW)
			expectTorch(t, c, "db", db, c.DB)
		case "batchnorm":
			s := c.X.Shape
			hw := 1
			for _, d := range s[2:] {
				hw *= d
			}
			g := BatchNormGeom{N: s[0], C: s[1], HW: hw, Eps: p.Eps, Momentum: p.Momentum}
			if err := g.Init(); err != nil {
				t.Fatal(err)
			}
			rm := append([]float32(nil), c.RunningMeanBefore.Data...)
			rv := append([]float32(nil), c.RunningVarBefore.Data...)
			sm, si := garbage(g.C), garbage(g.C)
			y, dx, dg, db := garbage(g.Len()), garbage(g.Len()), garbage(g.C), garbage(g.C)
			BatchNormForwardTrain(g, c.X.Data, c.Gamma.Data, c.Beta.Data, y, rm, rv, sm, si)
			BatchNormBackward(g, c.X.Data, c.DY.Data, c.Gamma.Data, sm, si, dx, dg, db, false)
			expectTorch(t, c, "y", y, c.Y)
			expectTorch(t, c, "running_mean", rm, c.RunningMean)
			expectTorch(t, c, "running_var", rv, c.RunningVar)
			expectTorch(t, c, "dx", dx, c.DX)
			expectTorch(t, c, "dgamma", dg, c.DGamma)
			expectTorch(t, c, "dbeta", db, c.DBeta)
			ye := garbage(g.Len())
			BatchNormForwardEval(g, c.XEval.Data, c.Gamma.Data, c.Beta.Data, rm, rv, ye)
			expectTorch(t, c, "eval y", ye, c.YEval)
		case "cross_entropy":
			n, k := c.X.Shape[0], c.X.Shape[1]
			d := garbage(n * k)
			loss, correct := SoftmaxCrossEntropy(n, k, c.X.Data, c.Labels, d)
			expectTorch(t, c, "loss", []float32{loss}, fxTensor{Data: []float32{float32(c.Loss)}})
			expectTorch(t, c, "dlogits", d, c.DX)
			if correct != c.Correct {
				t.Errorf("%s: correct %d, PyTorch %d", c.Name, correct, c.Correct)
			}
		case "sgd":
			o := SGD{LR: float32(p.LR), Momentum: float32(p.Momentum), WeightDecay: p.WeightDecay}
			w := append([]float32(nil), c.W0...)
			buf := garbage(len(w))
			for i, g := range c.Grads {
				o.Step(w, g, buf, i == 0)
				expectTorch(t, c, "w", w, fxTensor{Data: c.Ws[i]})
			}
		case "relu", "relu6", "sigmoid", "tanh":
			fwd := map[string]func(x, y []float32){"relu": ReLUForward, "relu6": ReLU6Forward, "sigmoid": SigmoidForward, "tanh": TanhForward}[c.Op]
			bwd := map[string]func(y, dy, dx []float32, acc bool){"relu": ReLUBackward, "relu6": ReLU6Backward, "sigmoid": SigmoidBackward, "tanh": TanhBackward}[c.Op]
			y, dx := garbage(len(c.X.Data)), garbage(len(c.X.Data))
			fwd(c.X.Data, y)
			bwd(y, c.DY.Data, dx, false)
			expectTorch(t, c, "y", y, c.Y)
			expectTorch(t, c, "dx", dx, c.DX)
		default:
			t.Errorf("%s: unknown fixture op %q", c.Name, c.Op)
		}
	}
	for _, op := range []string{"maxpool", "avgpool", "adaptive_avgpool", "conv", "batchnorm", "cross_entropy", "sgd", "relu", "relu6", "sigmoid", "tanh"} {
		if !seen[op] {
			t.Errorf("fixture has no %s case", op)
		}
	}
}
