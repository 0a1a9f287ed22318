package runner

import "math"

// ClipGradNorm is torch.nn.utils.clip_grad_norm_(params, maxNorm) (2-norm): the total
// norm of every updated parameter's gradient, taken together, is computed; when it
// exceeds maxNorm every gradient is scaled by maxNorm/(norm+1e-6). It returns the norm
// before clipping. The norm is summed in float64 (PyTorch sums per tensor in float32);
// PyTorch also multiplies by a coefficient clamped to 1 when it is not clipping, which
// leaves float32 values unchanged, so that case is skipped here.
func ClipGradNorm(ps *Params, maxNorm float64) float64 {
	var sq float64
	for _, p := range ps.List {
		if updated(p) {
			for _, g := range p.Grad {
				sq += float64(g) * float64(g)
			}
		}
	}
	norm := math.Sqrt(sq)
	coef := maxNorm / (norm + 1e-6)
	if coef >= 1 {
		return norm
	}
	c := float32(coef)
	for _, p := range ps.List {
		if updated(p) {
			for i := range p.Grad {
				p.Grad[i] *= c
			}
		}
	}
	return norm
}
