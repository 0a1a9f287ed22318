package kernels

import "math"

// AdamW is torch.optim.AdamW's update for one parameter tensor (1.13,
// _single_tensor_adamw, amsgrad=False, maximize=False), decoupled weight decay:
//
//	w *= 1 - LR*WeightDecay
//	m = Beta1*m + (1-Beta1)*g
//	v = Beta2*v + (1-Beta2)*g*g
//	w -= LR/(1-Beta1^t) * m / (sqrt(v)/sqrt(1-Beta2^t) + Eps)
//
// t is the 1-based step count. The bias corrections are computed once per
// call in float64, as PyTorch computes them in Python floats.
type AdamW struct {
	LR, Beta1, Beta2, Eps, WeightDecay float64
}

// Step updates w, the first moment m and the second moment v in place from
// the gradient g at step t (1 on the first step). g is not modified.
func (o AdamW) Step(w, g, m, v []float32, t int) {
	need("adamw grad", g, len(w))
	need("adamw exp_avg", m, len(w))
	need("adamw exp_avg_sq", v, len(w))
	g, m, v = g[:len(w)], m[:len(w)], v[:len(w)]
	decay := float32(1 - o.LR*o.WeightDecay)
	b1, b2 := float32(o.Beta1), float32(o.Beta2)
	c1, c2 := float32(1-o.Beta1), float32(1-o.Beta2)
	stepSize := float32(o.LR / (1 - math.Pow(o.Beta1, float64(t))))
	bc2 := float32(math.Sqrt(1 - math.Pow(o.Beta2, float64(t))))
	eps := float32(o.Eps)
	for i, wi := range w {
		gi := g[i]
		wi *= decay
		mi := b1*m[i] + c1*gi
		vi := b2*v[i] + c2*gi*gi
		m[i], v[i] = mi, vi
		denom := float32(math.Sqrt(float64(vi)))/bc2 + eps
		w[i] = wi - stepSize*(mi/denom)
	}
}
