package kernels

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// Strided-view tests: every kernel that accepts per-sample strides is run on
// operands embedded as channel slices of larger buffers and on dense copies
// of the same data, and must give the dense kernel's result without touching
// anything outside the views.

// strided is a batch of n samples of c channels × hw elements embedded as
// channels [off, off+c) of a buffer with ct channels:
//
//	buf = NaN pad | n × (ct*hw: the view's c*hw at off*hw, other channels random) | NaN pad
//
// Reading anything outside the view shows up as a wrong (or NaN) result;
// writing it shows up as a changed bit pattern.
type strided struct {
	buf          []float32
	start        int // index of the view's first element in buf
	n, c, hw, ct int
	exact        bool // hand the kernel exactly Span elements, else all of buf from start
	scratch      bool // a workspace: its contents afterwards are no result (which thread's chunk used it last varies)
}

// Layout modes for newStrided.
const (
	layoutDense  = iota // ct == c, offset 0, stride given as 0: only the padding differs from dense
	layoutMixed         // each operand picks at random
	layoutSliced        // ct > c, random channel offset
)

func newStrided(r *rand.Rand, mode, n, c, hw int) *strided {
	ct := c
	switch mode {
	case layoutMixed:
		ct += r.IntN(4)
	case layoutSliced:
		ct += 1 + r.IntN(3)
	}
	return embed(r, n, c, hw, ct, r.IntN(ct-c+1))
}

// plain is a dense operand (a weight, a statistic, a workspace) between NaN
// pads: one sample, stride 0.
func plain(r *rand.Rand, size int) *strided { return embed(r, 1, size, 1, size, 0) }

// like returns an operand with s's layout (same stride), a fresh channel
// offset and fresh padding: dx for x, dy for y.
func (s *strided) like(r *rand.Rand) *strided {
	return embed(r, s.n, s.c, s.hw, s.ct, r.IntN(s.ct-s.c+1))
}

func embed(r *rand.Rand, n, c, hw, ct, off int) *strided {
	pre, post := 1+r.IntN(5), 1+r.IntN(5)
	s := &strided{n: n, c: c, hw: hw, ct: ct, start: pre + off*hw, exact: r.IntN(2) == 0}
	s.buf = make([]float32, pre+n*ct*hw+post)
	for i := range s.buf {
		s.buf[i] = float32(2*r.Float64() - 1)
	}
	for i := 0; i < pre; i++ {
		s.buf[i] = float32(math.NaN())
	}
	for i := len(s.buf) - post; i < len(s.buf); i++ {
		s.buf[i] = float32(math.NaN())
	}
	s.set(garbage(s.n * s.per()))
	return s
}

func (s *strided) per() int        { return s.c * s.hw }
func (s *strided) realStride() int { return s.ct * s.hw }

// field is the stride to put in a geometry or View: 0 when dense.
func (s *strided) field() int {
	if s.ct == s.c {
		return 0
	}
	return s.realStride()
}

// data is the slice a kernel gets: from the view's first element.
func (s *strided) data() []float32 {
	if s.exact {
		return s.buf[s.start : s.start+span(s.n, s.per(), s.realStride())]
	}
	return s.buf[s.start:]
}

func (s *strided) view() View {
	return View{Data: s.data(), N: s.n, Len: s.per(), Stride: s.field()}
}

// inView reports whether buf[i] belongs to the view.
func (s *strided) inView(i int) bool {
	i -= s.start
	if i < 0 {
		return false
	}
	st := s.realStride()
	return st > 0 && i/st < s.n && i%st < s.per()
}

// set scatters the dense values v (n*per) into the view; get gathers them.
func (s *strided) set(v []float32) {
	for n := 0; n < s.n; n++ {
		o := s.start + n*s.realStride()
		copy(s.buf[o:o+s.per()], v[n*s.per():(n+1)*s.per()])
	}
}

func (s *strided) get() []float32 {
	v := make([]float32, s.n*s.per())
	for n := 0; n < s.n; n++ {
		o := s.start + n*s.realStride()
		copy(v[n*s.per():(n+1)*s.per()], s.buf[o:o+s.per()])
	}
	return v
}

// fill puts random values in [-1, 1) into the view and returns s.
func (s *strided) fill(r *rand.Rand) *strided {
	v, _ := randVec(r, s.n*s.per())
	s.set(v)
	return s
}

func (s *strided) clone() *strided {
	c := *s
	c.buf = append([]float32(nil), s.buf...)
	return &c
}

// checkOutside fails when any element outside the view differs (bitwise)
// from before, a copy of buf taken before the kernel ran.
func (s *strided) checkOutside(t *testing.T, what string, before []float32) {
	t.Helper()
	for i, v := range s.buf {
		if !s.inView(i) && math.Float32bits(v) != math.Float32bits(before[i]) {
			t.Errorf("%s: element %d outside the view (start %d, stride %d, len %d) changed from %v to %v",
				what, i, s.start, s.realStride(), s.per(), before[i], v)
			return
		}
	}
}

// sameValues compares got with want bit for bit when tol is 0, else by
// normwise relative error.
func sameValues(t *testing.T, what string, got, want []float32, tol float64) {
	t.Helper()
	if tol > 0 {
		expect(t, "strided vs dense", what, got, to64(want), tol)
		return
	}
	for i := range want {
		if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
			t.Errorf("%s: element %d is %v, dense kernel gives %v", what, i, got[i], want[i])
			return
		}
	}
}

// call is one run of a kernel: on the strided operands, or on dense copies.
type call struct {
	strided bool
	s       [][]float32 // the operands' slices, in the order given
	ops     []*strided
}

// stride is operand i's stride field: 0 for the dense run.
func (c call) stride(i int) int {
	if !c.strided {
		return 0
	}
	return c.ops[i].field()
}

// view is operand i as a View.
func (c call) view(i int) View {
	o := c.ops[i]
	return View{Data: c.s[i], N: o.n, Len: o.per(), Stride: c.stride(i)}
}

// sameAsDense runs run on the strided operands and on dense copies of them
// (each operand starting with the same values), then checks every operand,
// inputs included, against its dense copy (bit for bit when tol is 0) and
// that nothing outside any view changed. Operands must not alias.
func sameAsDense(t *testing.T, name string, tol float64, ops []*strided, run func(c call)) {
	t.Helper()
	dense := make([][]float32, len(ops))
	views := make([][]float32, len(ops))
	before := make([][]float32, len(ops))
	for i, o := range ops {
		dense[i] = o.get()
		views[i] = o.data()
		before[i] = append([]float32(nil), o.buf...)
	}
	run(call{strided: true, s: views, ops: ops})
	run(call{strided: false, s: dense, ops: ops})
	for i, o := range ops {
		what := fmt.Sprintf("%s operand %d", name, i)
		if !o.scratch {
			sameValues(t, what, o.get(), dense[i], tol)
		}
		o.checkOutside(t, what, before[i])
	}
}

var layoutNames = []string{"dense", "mixed", "sliced"}

// TestStridedConv holds the conv kernels to bit equality under a fixed-order
// Sgemm, and to 1e-6 under the installed one: gonum's (and possibly a faster
// GEMM's) SIMD dot products take different paths by alignment, which the
// view offsets change.
func TestStridedConv(t *testing.T) {
	saved := Sgemm
	defer func() { Sgemm = saved }()
	for _, sg := range []struct {
		name string
		f    func(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int)
		tol  float64
	}{{"serial", serialSgemm, 0}, {"installed", saved, 1e-6}} {
		Sgemm = sg.f
		stridedConv(t, sg.name, sg.tol)
	}
}

func stridedConv(t *testing.T, sgemm string, tol float64) {
	for ci, g := range convCases {
		if err := g.Init(); err != nil {
			t.Fatal(err)
		}
		for mode, lname := range layoutNames {
			r := newRand(uint64(1000 + 10*ci + mode))
			name := fmt.Sprintf("conv case %d %s (%s Sgemm)", ci, lname, sgemm)
			x := newStrided(r, mode, g.N, g.C, g.H*g.W).fill(r)
			y := newStrided(r, mode, g.N, g.K, g.OH*g.OW)
			w, b := plain(r, g.WeightLen()).fill(r), plain(r, g.K).fill(r)
			col := plain(r, g.ColSize())
			geom := func(c call, xi, yi int) ConvGeom {
				gg := g
				gg.XStride, gg.YStride = c.stride(xi), c.stride(yi)
				return gg
			}
			sameAsDense(t, name+" forward", tol, []*strided{x, w, b, y, col}, func(c call) {
				ConvForward(geom(c, 0, 3), c.s[0], c.s[1], c.s[2], c.s[3], c.s[4])
			})
			for _, acc := range []bool{false, true} {
				dy := y.like(r).fill(r)
				dx := x.like(r)
				if acc {
					dx.fill(r)
				}
				sameAsDense(t, fmt.Sprintf("%s backward data acc=%v", name, acc), tol, []*strided{w, dy, dx, col}, func(c call) {
					ConvBackwardData(geom(c, 2, 1), c.s[0], c.s[1], c.s[2], c.s[3], acc)
				})
			}
			dy := y.like(r).fill(r)
			dw, db := plain(r, g.WeightLen()), plain(r, g.K)
			sameAsDense(t, name+" backward filter", tol, []*strided{x, dy, dw, db, col}, func(c call) {
				ConvBackwardFilter(geom(c, 0, 1), c.s[0], c.s[1], c.s[2], c.s[3], c.s[4])
			})
		}
	}
}

func TestStridedPool(t *testing.T) {
	for ci, g := range poolCases {
		for _, inc := range []bool{false, true} {
			g.CountIncludePad = inc
			if err := g.Init(); err != nil {
				t.Fatal(err)
			}
			for mode, lname := range layoutNames {
				r := newRand(uint64(2000 + 10*ci + mode))
				name := fmt.Sprintf("pool case %d inc=%v %s", ci, inc, lname)
				x := newStrided(r, mode, g.N, g.C, g.H*g.W).fill(r)
				y := newStrided(r, mode, g.N, g.C, g.OH*g.OW)
				geom := func(c call, xi, yi int) PoolGeom {
					gg := g
					gg.XStride, gg.YStride = c.stride(xi), c.stride(yi)
					return gg
				}
				sameAsDense(t, name+" max forward", 0, []*strided{x, y}, func(c call) {
					MaxPoolForward(geom(c, 0, 1), c.s[0], c.s[1])
				})
				sameAsDense(t, name+" avg forward", 0, []*strided{x, y.like(r)}, func(c call) {
					AvgPoolForward(geom(c, 0, 1), c.s[0], c.s[1])
				})
				for _, acc := range []bool{false, true} {
					dy := y.like(r).fill(r)
					dx := x.like(r)
					if acc {
						dx.fill(r)
					}
					sameAsDense(t, fmt.Sprintf("%s max backward acc=%v", name, acc), 0, []*strided{x, dy, dx}, func(c call) {
						MaxPoolBackward(geom(c, 0, 1), c.s[0], c.s[1], c.s[2], acc)
					})
					sameAsDense(t, fmt.Sprintf("%s avg backward acc=%v", name, acc), 0, []*strided{dy, dx}, func(c call) {
						AvgPoolBackward(geom(c, 1, 0), c.s[0], c.s[1], acc)
					})
				}
			}
		}
	}
}

func TestStridedAdaptivePool(t *testing.T) {
	for ci, g := range []AdaptivePoolGeom{
		{N: 2, C: 3, H: 5, W: 5, OH: 3, OW: 3},
		{N: 3, C: 2, H: 7, W: 5, OH: 3, OW: 2},
		{N: 2, C: 4, H: 3, W: 3, OH: 1, OW: 1},
		{N: 2, C: 1, H: 2, W: 3, OH: 4, OW: 5},
	} {
		if err := g.Init(); err != nil {
			t.Fatal(err)
		}
		for mode, lname := range layoutNames {
			r := newRand(uint64(3000 + 10*ci + mode))
			name := fmt.Sprintf("adaptive case %d %s", ci, lname)
			x := newStrided(r, mode, g.N, g.C, g.H*g.W).fill(r)
			y := newStrided(r, mode, g.N, g.C, g.OH*g.OW)
			geom := func(c call, xi, yi int) AdaptivePoolGeom {
				gg := g
				gg.XStride, gg.YStride = c.stride(xi), c.stride(yi)
				return gg
			}
			sameAsDense(t, name+" forward", 0, []*strided{x, y}, func(c call) {
				AdaptiveAvgPoolForward(geom(c, 0, 1), c.s[0], c.s[1])
			})
			for _, acc := range []bool{false, true} {
				dy := y.like(r).fill(r)
				dx := x.like(r)
				if acc {
					dx.fill(r)
				}
				sameAsDense(t, fmt.Sprintf("%s backward acc=%v", name, acc), 0, []*strided{dy, dx}, func(c call) {
					AdaptiveAvgPoolBackward(geom(c, 1, 0), c.s[0], c.s[1], acc)
				})
			}
		}
	}
}

func TestStridedBatchNorm(t *testing.T) {
	for ci, g := range bnCases {
		if err := g.Init(); err != nil {
			t.Fatal(err)
		}
		for mode, lname := range layoutNames {
			r := newRand(uint64(4000 + 10*ci + mode))
			name := fmt.Sprintf("bn case %d %s", ci, lname)
			x := newStrided(r, mode, g.N, g.C, g.HW).fill(r)
			y := newStrided(r, mode, g.N, g.C, g.HW)
			gamma, beta := plain(r, g.C).fill(r), plain(r, g.C).fill(r)
			rm, sm := plain(r, g.C).fill(r), plain(r, g.C).fill(r)
			rv, si := plain(r, g.C), plain(r, g.C)
			pos := make([]float32, g.C)
			for i := range pos {
				pos[i] = 0.5 + r.Float32()
			}
			rv.set(pos)
			si.set(pos)
			geom := func(c call, xi, yi int) BatchNormGeom {
				gg := g
				gg.XStride, gg.YStride = c.stride(xi), c.stride(yi)
				return gg
			}
			for _, fwd := range []struct {
				name string
				f    func(g BatchNormGeom, x, gamma, beta, y, rm, rv, sm, si []float32)
			}{{"train", BatchNormForwardTrain}, {"relu train", BatchNormReLUForwardTrain}} {
				sameAsDense(t, name+" forward "+fwd.name, 0, []*strided{x, gamma, beta, y.like(r), rm.clone(), rv.clone(), sm.clone(), si.clone()}, func(c call) {
					fwd.f(geom(c, 0, 3), c.s[0], c.s[1], c.s[2], c.s[3], c.s[4], c.s[5], c.s[6], c.s[7])
				})
			}
			for _, fwd := range []struct {
				name string
				f    func(g BatchNormGeom, x, gamma, beta, rm, rv, y []float32)
			}{{"eval", BatchNormForwardEval}, {"relu eval", BatchNormReLUForwardEval}} {
				sameAsDense(t, name+" forward "+fwd.name, 0, []*strided{x, gamma, beta, rm, rv, y.like(r)}, func(c call) {
					fwd.f(geom(c, 0, 5), c.s[0], c.s[1], c.s[2], c.s[3], c.s[4], c.s[5])
				})
			}
			for _, acc := range []bool{false, true} {
				yv := y.like(r).fill(r)
				dy := y.like(r).fill(r)
				dx := x.like(r)
				if acc {
					dx.fill(r)
				}
				dg, db := plain(r, g.C), plain(r, g.C)
				sameAsDense(t, fmt.Sprintf("%s backward acc=%v", name, acc), 0, []*strided{x, dy, gamma, sm, si, dx, dg, db}, func(c call) {
					BatchNormBackward(geom(c, 0, 1), c.s[0], c.s[1], c.s[2], c.s[3], c.s[4], c.s[5], c.s[6], c.s[7], acc)
				})
				dx2 := x.like(r)
				if acc {
					dx2.fill(r)
				}
				sameAsDense(t, fmt.Sprintf("%s relu backward acc=%v", name, acc), 0, []*strided{x, yv, dy, gamma, sm, si, dx2, dg.clone(), db.clone()}, func(c call) {
					BatchNormReLUBackward(geom(c, 0, 1), c.s[0], c.s[1], c.s[2], c.s[3], c.s[4], c.s[5], c.s[6], c.s[7], c.s[8], acc)
				})
			}
		}
	}
}

// elementwise lists the elementwise kernels with their dense and View forms.
var elementwise = []struct {
	name    string
	fwd     func(x, y []float32)
	fwdView func(x, y View)
	bwd     func(y, dy, dx []float32, acc bool)
	bwdView func(y, dy, dx View, acc bool)
}{
	{"relu", ReLUForward, ReLUForwardView, ReLUBackward, ReLUBackwardView},
	{"relu6", ReLU6Forward, ReLU6ForwardView, ReLU6Backward, ReLU6BackwardView},
	{"sigmoid", SigmoidForward, SigmoidForwardView, SigmoidBackward, SigmoidBackwardView},
	{"tanh", TanhForward, TanhForwardView, TanhBackward, TanhBackwardView},
}

// scaled multiplies the view's values by k (to reach ReLU6's upper plateau).
func (s *strided) scaled(k float32) *strided {
	v := s.get()
	for i := range v {
		v[i] *= k
	}
	s.set(v)
	return s
}

func TestStridedElementwise(t *testing.T) {
	for mode, lname := range layoutNames {
		for trial := 0; trial < 3; trial++ {
			r := newRand(uint64(5000 + 10*mode + trial))
			n, c, hw := 1+r.IntN(3), 1+r.IntN(4), 1+r.IntN(7)
			name := fmt.Sprintf("%s trial %d (n=%d c=%d hw=%d)", lname, trial, n, c, hw)
			op := func() *strided { return newStrided(r, mode, n, c, hw) }
			for _, a := range elementwise {
				x, y := op().fill(r).scaled(8), op()
				sameAsDense(t, a.name+" forward "+name, 0, []*strided{x, y}, func(c call) {
					if c.strided {
						a.fwdView(c.view(0), c.view(1))
					} else {
						a.fwd(c.s[0], c.s[1])
					}
				})
				for _, acc := range []bool{false, true} {
					yv, dy, dx := op().fill(r).scaled(8), op().fill(r), op()
					if acc {
						dx.fill(r)
					}
					sameAsDense(t, fmt.Sprintf("%s backward acc=%v %s", a.name, acc, name), 0, []*strided{yv, dy, dx}, func(c call) {
						if c.strided {
							a.bwdView(c.view(0), c.view(1), c.view(2), acc)
						} else {
							a.bwd(c.s[0], c.s[1], c.s[2], acc)
						}
					})
				}
			}

			for _, d := range []struct {
				p     float32
				train bool
			}{{0.3, true}, {0.3, false}, {0, true}, {1, true}} {
				dname := fmt.Sprintf("dropout p=%v train=%v %s", d.p, d.train, name)
				x, y, mask := op().fill(r), op(), plain(r, n*c*hw)
				sameAsDense(t, dname+" forward", 0, []*strided{x, y, mask}, func(c call) {
					rng := NewRNG(11)
					if c.strided {
						DropoutForwardView(d.p, d.train, rng, c.view(0), c.view(1), c.s[2])
					} else {
						DropoutForward(d.p, d.train, rng, c.s[0], c.s[1], c.s[2])
					}
				})
				for _, acc := range []bool{false, true} {
					dy, dx := op().fill(r), op()
					if acc {
						dx.fill(r)
					}
					sameAsDense(t, fmt.Sprintf("%s backward acc=%v", dname, acc), 0, []*strided{mask, dy, dx}, func(c call) {
						if c.strided {
							DropoutBackwardView(d.p, d.train, c.s[0], c.view(1), c.view(2), acc)
						} else {
							DropoutBackward(d.p, d.train, c.s[0], c.s[1], c.s[2], acc)
						}
					})
				}
			}

			a, b, y := op().fill(r), op().fill(r), op()
			sameAsDense(t, "add forward "+name, 0, []*strided{a, b, y}, func(c call) {
				if c.strided {
					AddForwardView(c.view(0), c.view(1), c.view(2))
				} else {
					AddForward(c.s[0], c.s[1], c.s[2])
				}
			})
			for _, acc := range []bool{false, true} {
				dy, dx := op().fill(r), op()
				if acc {
					dx.fill(r)
				}
				sameAsDense(t, fmt.Sprintf("add backward acc=%v %s", acc, name), 0, []*strided{dy, dx}, func(c call) {
					if c.strided {
						AddBackwardView(c.view(0), c.view(1), acc)
					} else {
						AddBackward(c.s[0], c.s[1], acc)
					}
				})
			}
		}
	}
}

// inPlace runs the View kernel run on a clone of s (the kernel reads and
// writes the same view) and checks it against want, the dense out-of-place
// result, and that nothing outside the view changed.
func inPlace(t *testing.T, what string, s *strided, want []float32, run func(v View)) {
	t.Helper()
	io := s.clone()
	before := append([]float32(nil), io.buf...)
	run(io.view())
	sameValues(t, what, io.get(), want, 0)
	io.checkOutside(t, what, before)
}

func TestStridedInPlace(t *testing.T) {
	for mode, lname := range layoutNames {
		r := newRand(uint64(6000 + mode))
		n, c, hw := 3, 2, 5
		op := func() *strided { return newStrided(r, mode, n, c, hw) }
		dense := func() []float32 { return make([]float32, n*c*hw) }
		for _, a := range elementwise {
			x := op().fill(r).scaled(8)
			want := dense()
			a.fwd(x.get(), want)
			inPlace(t, a.name+" forward in place "+lname, x, want, func(v View) { a.fwdView(v, v) })

			y, dy := op().fill(r).scaled(8), op().fill(r)
			want = dense()
			a.bwd(y.get(), dy.get(), want, false)
			inPlace(t, a.name+" backward in place "+lname, dy, want, func(v View) { a.bwdView(y.view(), v, v, false) })
		}

		x, dy := op().fill(r), op().fill(r)
		want, mask := dense(), dense()
		DropoutForward(0.4, true, NewRNG(3), x.get(), want, mask)
		inPlace(t, "dropout forward in place "+lname, x, want, func(v View) {
			DropoutForwardView(0.4, true, NewRNG(3), v, v, dense())
		})
		want = dense()
		DropoutBackward(0.4, true, mask, dy.get(), want, false)
		inPlace(t, "dropout backward in place "+lname, dy, want, func(v View) {
			DropoutBackwardView(0.4, true, mask, v, v, false)
		})

		a, b := op().fill(r), op().fill(r)
		want = dense()
		AddForward(a.get(), b.get(), want)
		inPlace(t, "add forward over a "+lname, a, want, func(v View) { AddForwardView(v, b.view(), v) })
		inPlace(t, "add forward over b "+lname, b, want, func(v View) { AddForwardView(a.view(), v, v) })
		inPlace(t, "add backward in place "+lname, dy, dy.get(), func(v View) { AddBackwardView(v, v, false) })

		// Batchnorm forward may write y over x (same view).
		g := BatchNormGeom{N: n, C: c, HW: hw, Eps: 1e-5, Momentum: 0.1}
		bx := op().fill(r)
		g.XStride, g.YStride = bx.field(), bx.field()
		if err := g.Init(); err != nil {
			t.Fatal(err)
		}
		dg := g
		dg.XStride, dg.YStride = 0, 0
		gamma, _ := randVec(r, c)
		beta, _ := randVec(r, c)
		want = dense()
		BatchNormReLUForwardTrain(dg, bx.get(), gamma, beta, want, nil, nil, make([]float32, c), make([]float32, c))
		inPlace(t, "batchnorm relu forward in place "+lname, bx, want, func(v View) {
			BatchNormReLUForwardTrain(g, v.Data, gamma, beta, v.Data, nil, nil, make([]float32, c), make([]float32, c))
		})
	}
}

// mustPanic fails unless f panics.
func mustPanic(t *testing.T, what string, f func()) {
	t.Helper()
	defer func() {
		if recover() == nil {
			t.Errorf("%s: no panic", what)
		}
	}()
	f()
}

func TestStrideValidation(t *testing.T) {
	cg := ConvGeom{N: 2, C: 3, H: 4, W: 4, K: 2, KH: 3, KW: 3, SH: 1, SW: 1, PH: 1, PW: 1, DH: 1, DW: 1, Groups: 1}
	pg := PoolGeom{N: 2, C: 3, H: 4, W: 4, KH: 2, KW: 2, SH: 2, SW: 2}
	ag := AdaptivePoolGeom{N: 2, C: 3, H: 4, W: 4, OH: 2, OW: 2}
	bg := BatchNormGeom{N: 2, C: 3, HW: 16, Eps: 1e-5}
	// Per-sample sizes: x 48 for all; y 32 (conv), 12 (pools), 48 (bn).
	for _, c := range []struct {
		xs, ys int
		ok     bool
	}{{0, 0, true}, {48, 0, true}, {100, 0, true}, {47, 0, false}, {-1, 0, false}} {
		for _, ys := range []struct {
			conv, pool, bn int
			ok             bool
		}{{0, 0, 0, true}, {32, 12, 48, true}, {31, 11, 47, false}, {-5, -5, -5, false}} {
			want := c.ok && ys.ok
			g1, g2, g3, g4 := cg, pg, ag, bg
			g1.XStride, g1.YStride = c.xs, ys.conv
			g2.XStride, g2.YStride = c.xs, ys.pool
			g3.XStride, g3.YStride = c.xs, ys.pool
			g4.XStride, g4.YStride = c.xs, ys.bn
			for name, err := range map[string]error{"conv": g1.Init(), "pool": g2.Init(), "adaptive": g3.Init(), "batchnorm": g4.Init()} {
				if (err == nil) != want {
					t.Errorf("%s XStride=%d YStride(conv/pool/bn)=%d/%d/%d: Init error %v, want ok=%v", name, c.xs, ys.conv, ys.pool, ys.bn, err, want)
				}
			}
		}
	}

	// Spans: (N-1)*stride + per-sample size; one element short panics
	// before anything is written.
	cg.XStride, cg.YStride = 100, 50
	if err := cg.Init(); err != nil {
		t.Fatal(err)
	}
	if cg.InSpan() != 148 || cg.OutSpan() != 82 {
		t.Errorf("conv spans %d, %d, want 148, 82", cg.InSpan(), cg.OutSpan())
	}
	w := make([]float32, cg.WeightLen())
	col := make([]float32, cg.ColSize())
	y := garbage(cg.OutSpan())
	ConvForward(cg, make([]float32, cg.InSpan()), w, nil, y, col)
	mustPanic(t, "conv short x", func() { ConvForward(cg, make([]float32, cg.InSpan()-1), w, nil, y, col) })
	y = garbage(cg.OutSpan())
	mustPanic(t, "conv short y", func() { ConvForward(cg, make([]float32, cg.InSpan()), w, nil, y[:cg.OutSpan()-1], col) })
	for i, v := range y {
		if !math.IsNaN(float64(v)) {
			t.Fatalf("conv with a short y wrote y[%d]", i)
		}
	}
	mustPanic(t, "conv short dx", func() {
		ConvBackwardData(cg, w, make([]float32, cg.OutSpan()), make([]float32, cg.InSpan()-1), col, false)
	})
	bg.XStride, bg.YStride = 50, 60
	if err := bg.Init(); err != nil {
		t.Fatal(err)
	}
	if bg.InSpan() != 98 || bg.OutSpan() != 108 {
		t.Errorf("batchnorm spans %d, %d, want 98, 108", bg.InSpan(), bg.OutSpan())
	}
	mustPanic(t, "batchnorm short dy", func() {
		c := make([]float32, 3)
		BatchNormBackward(bg, make([]float32, 98), make([]float32, 107), nil, c, c, make([]float32, 98), nil, nil, false)
	})

	v := View{Data: make([]float32, 17), N: 3, Len: 5, Stride: 6}
	if v.Span() != 17 {
		t.Errorf("view span %d, want 17", v.Span())
	}
	ReLUForwardView(v, v)
	short := v
	short.Data = short.Data[:16]
	mustPanic(t, "view one short", func() { ReLUForwardView(short, v) })
	mustPanic(t, "view stride below len", func() { ReLUForwardView(View{Data: v.Data, N: 3, Len: 5, Stride: 4}, v) })
	mustPanic(t, "views of different shapes", func() { ReLUForwardView(v, View{Data: v.Data, N: 3, Len: 4, Stride: 6}) })
	mustPanic(t, "dropout mask short", func() { DropoutForwardView(0.5, true, NewRNG(1), v, v, make([]float32, 14)) })
}
