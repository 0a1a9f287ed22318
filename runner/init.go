package runner

import (
	"fmt"
	"math"
	"strings"

	"github.com/netc/netc/compiler/ir"
	"github.com/netc/netc/kernels"
)

// Initializers of conv and linear weights. Biases and batchnorm follow PyTorch's defaults
// except where a scheme says otherwise.
const (
	InitXavier  = "xavier"  // xavier_uniform_ on weights, as the book's train_ch6 does
	InitKaiming = "kaiming" // kaiming_normal_(mode="fan_out", nonlinearity="relu"), zero biases (torchvision)
	InitDefault = "default" // PyTorch's own: kaiming_uniform_(a=sqrt(5)), i.e. U(-1/sqrt(fan_in), 1/sqrt(fan_in))
)

// Init fills the parameters from seed, visiting them in the plan's order so that the
// same spec and seed always give the same weights.
func (ps *Params) Init(scheme string, seed uint64) error {
	switch scheme {
	case InitXavier, InitKaiming, InitDefault:
	default:
		return fmt.Errorf("unknown initialization %q; use xavier, kaiming or default", scheme)
	}
	rng := kernels.NewRNG(seed)
	for _, p := range ps.List {
		switch p.Init {
		case ir.InitConst:
			fill(p.Data, float32(p.InitValue))
		case ir.InitFan:
			fanIn, fanOut := fans(p.Shape)
			switch scheme {
			case InitXavier:
				uniform(rng, p.Data, math.Sqrt(6/float64(fanIn+fanOut)))
			case InitKaiming:
				normal(rng, p.Data, math.Sqrt(2/float64(fanOut)))
			default:
				uniform(rng, p.Data, 1/math.Sqrt(float64(fanIn)))
			}
		case ir.InitFanIn:
			if scheme == InitKaiming {
				fill(p.Data, 0)
				continue
			}
			// PyTorch's default bias: U(-1/sqrt(fan_in), 1/sqrt(fan_in)) of the weight.
			w := ps.byName[strings.TrimSuffix(p.Name, "bias")+"weight"]
			if w == nil {
				return fmt.Errorf("%s: no weight beside this bias to take the fan from", p.Name)
			}
			fanIn, _ := fans(w.Shape)
			uniform(rng, p.Data, 1/math.Sqrt(float64(fanIn)))
		}
	}
	return nil
}

// fans follows torch.nn.init._calculate_fan_in_and_fan_out: for a conv weight
// [out, in/groups, kh, kw], fan_in = in/groups*kh*kw and fan_out = out*kh*kw.
func fans(shape []int) (in, out int) {
	field := 1
	for _, d := range shape[2:] {
		field *= d
	}
	return shape[1] * field, shape[0] * field
}

func fill(x []float32, v float32) {
	for i := range x {
		x[i] = v
	}
}

func uniform(rng *kernels.RNG, x []float32, bound float64) {
	for i := range x {
		x[i] = float32((2*float64(rng.Float32()) - 1) * bound)
	}
}

// normal draws N(0, std^2) by Box-Muller from the same generator.
func normal(rng *kernels.RNG, x []float32, std float64) {
	for i := 0; i < len(x); i += 2 {
		u1 := (float64(rng.Uint64()>>11) + 0.5) / (1 << 53)
		u2 := float64(rng.Uint64()>>11) / (1 << 53)
		r := math.Sqrt(-2*math.Log(u1)) * std
		x[i] = float32(r * math.Cos(2*math.Pi*u2))
		if i+1 < len(x) {
			x[i+1] = float32(r * math.Sin(2*math.Pi*u2))
		}
	}
}
