package runner

import (
	"math"
	"testing"

	"github.com/netc/netc/compiler"
	"github.com/netc/netc/compiler/plan"
)

// run does one training step (dropout off) and one evaluation with some passes disabled,
// and returns the train logits, the loss, every gradient and the eval logits.
func runWith(t *testing.T, name, input string, disable []string) (train []float32, loss float32, grads map[string][]float32, eval []float32) {
	t.Helper()
	g := compileSpec(t, name, compiler.Options{Input: input})
	m, err := NewModel(g)
	if err != nil {
		t.Fatal(err)
	}
	m.Disable = disable
	if err := m.Params.Init(InitXavier, 3); err != nil {
		t.Fatal(err)
	}
	const batch = 3
	x := make([]float32, batch*int(g.Input.Elems()))
	for i := range x {
		x[i] = float32(math.Sin(float64(i)*0.37)+1) / 2
	}
	net, err := m.Net(plan.Training, batch)
	if err != nil {
		t.Fatal(err)
	}
	net.DropoutOff = true
	copy(net.Input(), x)
	net.Forward(true)
	train = append([]float32(nil), net.Logits()...)
	loss, _ = net.Loss([]int32{1, 5, 9})
	m.Params.ZeroGrads()
	net.Backward()
	grads = map[string][]float32{}
	for _, p := range m.Params.List {
		if p.Trainable {
			grads[p.Name] = append([]float32(nil), p.Grad...)
		}
	}
	if eval, err = m.Infer(x, batch, batch, false); err != nil {
		t.Fatal(err)
	}
	return train, loss, grads, eval
}

func maxRelErr(a, b []float32) float64 {
	var num, den float64
	for i := range a {
		d := float64(a[i]) - float64(b[i])
		num += d * d
		den += float64(b[i]) * float64(b[i])
	}
	if den == 0 {
		return math.Sqrt(num)
	}
	return math.Sqrt(num / den)
}

// TestDisabledPassesChangeNothing switches off each optional pass in turn: logits,
// loss and gradients must agree with the full pipeline within 1e-5.
func TestDisabledPassesChangeNothing(t *testing.T) {
	nets := map[string]string{"alexnet": "1x128x128", "vgg11": "1x32x32", "nin": "1x96x96", "googlenet": "1x64x64",
		"lenet-bn": "", "resnet18": "1x64x64", "densenet": "1x64x64"}
	if testing.Short() {
		// CI's race-detector run: AlexNet and VGG are plain conv stacks whose passes (alias,
		// fuse-activation, inplace) the others exercise too, GoogLeNet's concats DenseNet
		// has too, and the three take most of the time; the rest run at 32x32.
		delete(nets, "alexnet")
		delete(nets, "vgg11")
		delete(nets, "googlenet")
		nets["resnet18"], nets["densenet"] = "1x32x32", "1x32x32"
	}
	optional := []string{"alias", "fold-batchnorm", "fuse-batchnorm-relu", "pool-first", "fuse-prenorm", "fuse-residual", "fuse-add-relu", "fuse-activation", "eliminate-concat", "inplace"}
	for name, input := range nets {
		t.Run(name, func(t *testing.T) {
			train, loss, grads, eval := runWith(t, name, input, nil)
			for _, off := range append(optional, "all") {
				disable := []string{off}
				if off == "all" {
					disable = optional
				}
				tr, l, gr, ev := runWith(t, name, input, disable)
				worst := math.Max(maxRelErr(tr, train), maxRelErr(ev, eval))
				worst = math.Max(worst, math.Abs(float64(l-loss))/math.Abs(float64(loss)))
				for k, g := range grads {
					// Gradients that are zero by construction (a bias before a batchnorm)
					// compare absolutely.
					if e := maxRelErr(gr[k], g); e > worst && norm(g) > 1e-6 {
						worst = e
					}
				}
				if worst > 1e-5 {
					t.Errorf("without %s: relative difference %.2e", off, worst)
				}
			}
		})
	}
}
