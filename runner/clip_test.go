package runner

import (
	"math"
	"testing"
)

// TestClipGradNorm by hand: gradients (3) and (4) have total norm 5. A max of 10 leaves
// them as they are; a max of 1 scales them by 1/(5+1e-6), as clip_grad_norm_ does; a
// frozen parameter's gradient is neither counted nor scaled.
func TestClipGradNorm(t *testing.T) {
	mk := func() *Params {
		ps := &Params{byName: map[string]*Param{}}
		for i, g := range []float32{3, 4, 100} {
			p := &Param{Name: string(rune('a' + i)), Shape: []int{1}, Trainable: true, Data: []float32{0}, Grad: []float32{g}, Frozen: i == 2}
			ps.List = append(ps.List, p)
			ps.byName[p.Name] = p
		}
		return ps
	}
	ps := mk()
	if n := ClipGradNorm(ps, 10); n != 5 || ps.List[0].Grad[0] != 3 || ps.List[1].Grad[0] != 4 {
		t.Errorf("max 10: norm %g, grads %v %v", n, ps.List[0].Grad, ps.List[1].Grad)
	}
	ps = mk()
	ClipGradNorm(ps, 1)
	c := 1 / (5 + 1e-6)
	if math.Abs(float64(ps.List[0].Grad[0])-3*c) > 1e-7 || math.Abs(float64(ps.List[1].Grad[0])-4*c) > 1e-7 || ps.List[2].Grad[0] != 100 {
		t.Errorf("max 1: grads %v %v %v", ps.List[0].Grad, ps.List[1].Grad, ps.List[2].Grad)
	}
}
