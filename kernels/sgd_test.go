package kernels

import "testing"

// TestSGDHand: w0 = 1, lr 0.1, momentum 0.9, weight decay 0.1, gradients
// 0.5, -0.25, 1.0, worked by hand:
//
//	step 1: g = 0.5 + 0.1*1      = 0.6;     buf = 0.6;                  w = 1 - 0.06        = 0.94
//	step 2: g = -0.25 + 0.094    = -0.156;  buf = 0.54 - 0.156 = 0.384; w = 0.94 - 0.0384   = 0.9016
//	step 3: g = 1 + 0.09016      = 1.09016; buf = 0.3456 + 1.09016 = 1.43576; w = 0.9016 - 0.143576 = 0.758024
func TestSGDHand(t *testing.T) {
	o := SGD{LR: 0.1, Momentum: 0.9, WeightDecay: 0.1}
	w, buf := []float32{1}, []float32{0}
	wantW := []float64{0.94, 0.9016, 0.758024}
	wantBuf := []float64{0.6, 0.384, 1.43576}
	for i, g := range []float32{0.5, -0.25, 1.0} {
		o.Step(w, []float32{g}, buf, i == 0)
		expect(t, "sgd", "sgd w", w, wantW[i:i+1], 1e-6)
		expect(t, "sgd", "sgd buf", buf, wantBuf[i:i+1], 1e-6)
	}

	// Plain SGD: w -= lr*g, no buffer needed.
	w = []float32{2}
	SGD{LR: 0.5}.Step(w, []float32{3}, nil, true)
	expect(t, "sgd", "plain sgd", w, []float64{0.5}, 0)

	// Nesterov with dampening 0.5, no decay, w0 = 1, grads 1, 2:
	// step 1: buf = 1, d = 1 + 0.9*1 = 1.9, w = 1 - 0.19 = 0.81
	// step 2: buf = 0.9 + 0.5*2 = 1.9, d = 2 + 1.71 = 3.71, w = 0.81 - 0.371 = 0.439
	o = SGD{LR: 0.1, Momentum: 0.9, Dampening: 0.5, Nesterov: true}
	w, buf = []float32{1}, []float32{0}
	o.Step(w, []float32{1}, buf, true)
	expect(t, "sgd", "nesterov step 1", w, []float64{0.81}, 1e-6)
	o.Step(w, []float32{2}, buf, false)
	expect(t, "sgd", "nesterov step 2", w, []float64{0.439}, 1e-6)
}
