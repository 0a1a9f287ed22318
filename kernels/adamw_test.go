package kernels

import (
	"math"
	"testing"
)

// TestAdamWHand: w0 = 1, lr 0.1, betas (0.9, 0.999), eps 1e-8, weight decay 0.1,
// gradients 0.5 then -0.25, worked by hand from PyTorch's update rule:
//
//	step 1: w = 1*(1-0.01) = 0.99; m = 0.05; v = 0.00025;
//	        m̂ = 0.05/0.1 = 0.5; √v̂ = √(0.00025/0.001) = 0.5; w = 0.99 - 0.1*0.5/(0.5+1e-8) = 0.89
//	step 2: w = 0.89*0.99 = 0.8811; m = 0.045 - 0.025 = 0.02; v = 0.00024975 + 0.0000625 = 0.00031225;
//	        m̂ = 0.02/0.19; v̂ = 0.00031225/0.001999; w = 0.8811 - 0.1*m̂/(√v̂+1e-8)
func TestAdamWHand(t *testing.T) {
	o := AdamW{LR: 0.1, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8, WeightDecay: 0.1}
	w, m, v := []float32{1}, []float32{0}, []float32{0}
	o.Step(w, []float32{0.5}, m, v, 1)
	expect(t, "adamw", "step 1 w", w, []float64{0.99 - 0.1*0.5/(0.5+1e-8)}, 1e-6)
	expect(t, "adamw", "step 1 m", m, []float64{0.05}, 1e-6)
	expect(t, "adamw", "step 1 v", v, []float64{0.00025}, 1e-6)
	o.Step(w, []float32{-0.25}, m, v, 2)
	mhat, vhat := 0.02/0.19, 0.00031225/(1-0.999*0.999)
	expect(t, "adamw", "step 2 w", w, []float64{0.8811 - 0.1*mhat/(math.Sqrt(vhat)+1e-8)}, 1e-6)
	expect(t, "adamw", "step 2 v", v, []float64{0.00031225}, 1e-6)

	// Zero gradient, no decay: the moments decay and the weight does not move.
	w, m, v = []float32{3}, []float32{0}, []float32{0}
	AdamW{LR: 1, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8}.Step(w, []float32{0}, m, v, 1)
	expect(t, "adamw", "zero grad", w, []float64{3}, 0)
}
