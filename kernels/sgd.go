package kernels

// SGD is torch.optim.SGD's update for one parameter tensor (1.13,
// _single_tensor_sgd, maximize=False):
//
//	g = grad + WeightDecay*w
//	buf = g on the first step, else Momentum*buf + (1-Dampening)*g
//	d = g + Momentum*buf if Nesterov, else buf   (d = g when Momentum == 0)
//	w -= LR * d
type SGD struct {
	LR, Momentum, Dampening, WeightDecay float32
	Nesterov                             bool
}

// Step updates w in place from its gradient g. buf is the momentum buffer
// (unused, may be nil, when Momentum == 0); first says it is uninitialised,
// i.e. this is the parameter's first step. g is not modified.
func (o SGD) Step(w, g, buf []float32, first bool) {
	need("sgd grad", g, len(w))
	g = g[:len(w)]
	if o.Momentum != 0 {
		need("sgd momentum buffer", buf, len(w))
		buf = buf[:len(w)]
	}
	for i, wi := range w {
		d := g[i]
		if o.WeightDecay != 0 {
			d += o.WeightDecay * wi
		}
		if o.Momentum != 0 {
			b := d
			if !first {
				b = o.Momentum*buf[i] + (1-o.Dampening)*d
			}
			buf[i] = b
			if o.Nesterov {
				d += o.Momentum * b
			} else {
				d = b
			}
		}
		w[i] = wi - o.LR*d
	}
}
