package kernels

import "testing"

func TestAdd(t *testing.T) {
	r := newRand(800)
	const n = 37
	a, a64 := randVec(r, n)
	b, b64 := randVec(r, n)
	dy, r64 := randVec(r, n)
	f := func() []float64 {
		y := make([]float64, n)
		for i := range y {
			y[i] = a64[i] + b64[i]
		}
		return y
	}
	y := garbage(n)
	AddForward(a, b, y)
	expect(t, "add forward", "add", y, f(), 1e-7)
	checkAccumulate(t, "add backward", "add da", n, fdGrad(a64, r64, f), 1e-6, func(dx []float32, acc bool) { AddBackward(dy, dx, acc) })
	checkAccumulate(t, "add backward", "add db", n, fdGrad(b64, r64, f), 1e-6, func(dx []float32, acc bool) { AddBackward(dy, dx, acc) })
}

// TestConcat concatenates three inputs with 2, 1 and 3 channels.
func TestConcat(t *testing.T) {
	const n, hw, total = 2, 5, 6
	chans := []int{2, 1, 3}
	r := newRand(801)
	xs := make([][]float32, 3)
	xs64 := make([][]float64, 3)
	for i, c := range chans {
		xs[i], xs64[i] = randVec(r, n*c*hw)
	}
	f := func() []float64 {
		y := make([]float64, n*total*hw)
		for s := 0; s < n; s++ {
			ch := 0
			for i, c := range chans {
				for k := 0; k < c; k++ {
					for p := 0; p < hw; p++ {
						y[(s*total+ch)*hw+p] = xs64[i][(s*c+k)*hw+p]
					}
					ch++
				}
			}
		}
		return y
	}
	y := garbage(n * total * hw)
	off := 0
	for i, c := range chans {
		ConcatForward(n, hw, c, off, total, xs[i], y)
		off += c
	}
	expect(t, "concat forward", "concat", y, f(), 0)
	dy, r64 := randVec(r, n*total*hw)
	off = 0
	for i, c := range chans {
		o := off
		checkAccumulate(t, "concat backward", "concat dx", n*c*hw, fdGrad(xs64[i], r64, f), 1e-6, func(dx []float32, acc bool) {
			ConcatBackward(n, hw, c, o, total, dy, dx, acc)
		})
		off += c
	}
}
