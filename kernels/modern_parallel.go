package kernels

import (
	"math"
	"sync"
	"sync/atomic"
)

// modTask splits the kernels of the newer ops (activation_modern.go,
// broadcast.go, channels.go, layernorm.go, scale.go, drop_path.go) over the
// kernel threads. Each op names its items, the units that write disjoint
// outputs: flat elements of the batch for elementwise maps, (sample,
// channel) planes or sums, (sample, position) columns for layer norm,
// channels for sums over the batch. An item's result is computed by the
// same loop in the same order whatever the split, so results do not depend
// on the thread count.
//
// As with eltTask, one struct serves every op so that a single long-lived
// copy can be handed to the workers without allocating.
type modTask struct {
	op         modOp
	a, b, c, d View
	f          func(float32) float32
	slope      float32
	acc        bool
	ba, bb     bool // a (b) is per-channel, broadcast over hw positions
	hw, ch     int  // positions per channel, channels
	groups     int  // channel shuffle
	first      int  // channel slice
	w, bias    []float32
	mean, rstd []float32
	dw, db     []float32
	eps        float64
	mask       []float32 // drop path: one factor per sample
}

type modOp uint8

const (
	modMap             modOp = iota // items: elements; b = f(a)
	modGrad                         // items: elements; c (+)= b * f(a)
	modLeaky                        // items: elements
	modLeakyBack                    // items: elements
	modMul                          // items: elements of c; c = a * b, either broadcast
	modAdd                          // items: elements of c; c = a + b, either broadcast
	modProdGrad                     // items: elements; d (+)= a * b (b maybe broadcast)
	modProdGradSum                  // items: (sample, channel); d[c] (+)= Σ a * b
	modSum                          // items: (sample, channel); b[c] (+)= Σ a
	modShuffle                      // items: (sample, output channel)
	modShuffleBack                  // items: (sample, output channel)
	modSlice                        // items: samples
	modSliceBack                    // items: samples
	modLayerNorm                    // items: (sample, position)
	modLayerNormBack                // items: (sample, position)
	modLayerNormParams              // items: channels
	modScale                        // items: (sample, channel)
	modScaleBack                    // items: channels
	modDropPath                     // items: elements; b = a * mask[n]
	modDropPathBack                 // items: elements; c (+)= b * mask[n]
)

// modParallelRuns counts the calls that went to the workers, so that tests can
// tell that they exercised the split.
var modParallelRuns atomic.Int64

var modShared struct {
	mu sync.Mutex
	t  modTask
}

// run runs t over items [0, n), each costing about cost element reads or
// writes, on the kernel threads when there are at least two chunks of
// eltGrain elements. A call made while another holds the shared copy runs
// on the caller alone (same results).
func (t *modTask) run(n, cost int) {
	grain := divUp(eltGrain, max(1, cost))
	if n < 2*grain || !modShared.mu.TryLock() {
		t.Run(0, n)
		return
	}
	modParallelRuns.Add(1)
	modShared.t = *t
	Parallel(n, grain, &modShared.t)
	modShared.t = modTask{} // do not pin the caller's slices
	modShared.mu.Unlock()
}

// runElements runs an elementwise op over the a view's N*Len elements.
func (t *modTask) runElements(cost int) { t.run(t.a.N*t.a.Len, cost) }

func (t *modTask) Run(lo, hi int) {
	switch t.op {
	case modMap, modGrad, modLeaky, modLeakyBack, modDropPath, modDropPathBack:
		t.elements(lo, hi)
	case modMul, modAdd, modProdGrad:
		t.broadcastElements(lo, hi)
	case modProdGradSum, modSum:
		for it := lo; it < hi; it++ {
			t.channelSum(it/t.ch, it%t.ch)
		}
	case modShuffle, modShuffleBack:
		for it := lo; it < hi; it++ {
			t.shufflePlane(it/t.ch, it%t.ch)
		}
	case modSlice, modSliceBack:
		for n := lo; n < hi; n++ {
			t.sliceSample(n)
		}
	case modLayerNorm:
		for it := lo; it < hi; it++ {
			t.layerNormColumn(it/t.hw, it%t.hw)
		}
	case modLayerNormBack:
		for it := lo; it < hi; it++ {
			t.layerNormBackColumn(it/t.hw, it%t.hw)
		}
	case modLayerNormParams:
		for c := lo; c < hi; c++ {
			t.layerNormParams(c)
		}
	case modScale:
		for it := lo; it < hi; it++ {
			t.scalePlane(it/t.ch, it%t.ch)
		}
	case modScaleBack:
		for c := lo; c < hi; c++ {
			t.scaleBackChannel(c)
		}
	}
}

// elements runs an elementwise op over flat elements [lo, hi) of a, one
// sample piece at a time.
func (t *modTask) elements(lo, hi int) {
	l := t.a.Len
	for lo < hi {
		n, i := lo/l, lo%l
		j := min(l, i+hi-lo)
		t.elementSpan(n, i, j)
		lo += j - i
	}
}

func (t *modTask) elementSpan(n, i, j int) {
	xs := t.a.Sample(n)[i:j]
	switch t.op {
	case modMap:
		ys := t.b.Sample(n)[i:j]
		for k, v := range xs {
			ys[k] = t.f(v)
		}
	case modGrad:
		dys, dxs := t.b.Sample(n)[i:j], t.c.Sample(n)[i:j]
		for k, v := range xs {
			g := dys[k] * t.f(v)
			if t.acc {
				dxs[k] += g
			} else {
				dxs[k] = g
			}
		}
	case modLeaky:
		ys := t.b.Sample(n)[i:j]
		for k, v := range xs {
			if v <= 0 {
				v *= t.slope
			}
			ys[k] = v
		}
	case modLeakyBack:
		dys, dxs := t.b.Sample(n)[i:j], t.c.Sample(n)[i:j]
		for k, v := range xs {
			g := dys[k]
			if v <= 0 {
				g *= t.slope
			}
			if t.acc {
				dxs[k] += g
			} else {
				dxs[k] = g
			}
		}
	case modDropPath:
		ys, m := t.b.Sample(n)[i:j], t.mask[n]
		for k, v := range xs {
			ys[k] = v * m
		}
	case modDropPathBack: // a is dy here, b is dx
		dxs, m := t.b.Sample(n)[i:j], t.mask[n]
		for k, g := range xs {
			if t.acc {
				dxs[k] += g * m
			} else {
				dxs[k] = g * m
			}
		}
	}
}

// broadcastElements runs mul, add or a full-size product gradient over flat
// elements [lo, hi) of the output, whose samples have full = a.Len (modProdGrad)
// or c.Len elements; a broadcast operand is read at element i / hw.
func (t *modTask) broadcastElements(lo, hi int) {
	out := t.c
	if t.op == modProdGrad {
		out = t.d
	}
	l := out.Len
	for lo < hi {
		n, i := lo/l, lo%l
		j := min(l, i+hi-lo)
		t.broadcastSpan(n, i, j)
		lo += j - i
	}
}

func (t *modTask) broadcastSpan(n, i, j int) {
	as, bs := t.a.Sample(n), t.b.Sample(n)
	hw := t.hw
	at := func(s []float32, broadcast bool, k int) float32 {
		if broadcast {
			return s[k/hw]
		}
		return s[k]
	}
	switch t.op {
	case modMul:
		ys := t.c.Sample(n)
		for k := i; k < j; k++ {
			ys[k] = at(as, t.ba, k) * at(bs, t.bb, k)
		}
	case modAdd:
		ys := t.c.Sample(n)
		for k := i; k < j; k++ {
			ys[k] = at(as, t.ba, k) + at(bs, t.bb, k)
		}
	case modProdGrad:
		ds := t.d.Sample(n)
		for k := i; k < j; k++ {
			v := at(as, t.ba, k) * at(bs, t.bb, k)
			if t.acc {
				ds[k] += v
			} else {
				ds[k] = v
			}
		}
	}
}

// channelSum writes channel c of sample n of the per-channel gradient: d[c]
// (+)= Σ over the hw positions of a * b (modProdGradSum; b maybe broadcast)
// or b[c] (+)= Σ a (modSum), in float64.
func (t *modTask) channelSum(n, c int) {
	hw := t.hw
	as := t.a.Sample(n)[c*hw : (c+1)*hw]
	var s float64
	if t.op == modSum {
		for _, g := range as {
			s += float64(g)
		}
		out := t.b.Sample(n)
		if t.acc {
			out[c] += float32(s)
		} else {
			out[c] = float32(s)
		}
		return
	}
	bs := t.b.Sample(n)
	for k, g := range as {
		bi := c*hw + k
		if t.bb {
			bi = c
		}
		s += float64(g) * float64(bs[bi])
	}
	out := t.d.Sample(n)
	if t.acc {
		out[c] += float32(s)
	} else {
		out[c] = float32(s)
	}
}

// shufflePlane moves output channel o = j*groups + g of sample n: forward
// copies input channel g*per + j to it, backward sends its gradient back.
func (t *modTask) shufflePlane(n, o int) {
	hw, per := t.hw, t.ch/t.groups
	j, g := o/t.groups, o%t.groups
	in := g*per + j
	if t.op == modShuffle {
		copy(t.b.Sample(n)[o*hw:(o+1)*hw], t.a.Sample(n)[in*hw:(in+1)*hw])
		return
	}
	passSpan(t.a.Sample(n)[o*hw:(o+1)*hw], t.b.Sample(n)[in*hw:(in+1)*hw], t.acc)
}

// sliceSample copies channels [first, first+b's channels) of sample n of a
// into b (forward), or adds dy (a) into them in dx (b), zeroing dx's other
// channels when not accumulating.
func (t *modTask) sliceSample(n int) {
	hw, first := t.hw, t.first
	if t.op == modSlice {
		ys := t.b.Sample(n)
		copy(ys, t.a.Sample(n)[first*hw:first*hw+len(ys)])
		return
	}
	dys, dxs := t.a.Sample(n), t.b.Sample(n)
	last := first + len(dys)/hw
	if !t.acc {
		clear(dxs[:first*hw])
		clear(dxs[last*hw:])
	}
	passSpan(dys, dxs[first*hw:last*hw], t.acc)
}

// layerNormColumn normalizes position p of sample n over the channels (a = x,
// b = y), keeping its statistics when mean is set.
func (t *modTask) layerNormColumn(n, p int) {
	hw, ch := t.hw, t.ch
	xs, ys := t.a.Sample(n), t.b.Sample(n)
	var s, ss float64
	for c := 0; c < ch; c++ {
		v := float64(xs[c*hw+p])
		s += v
		ss += v * v
	}
	m := s / float64(ch)
	v := math.Max(ss/float64(ch)-m*m, 0)
	r := 1 / math.Sqrt(v+t.eps)
	if t.mean != nil {
		t.mean[n*hw+p], t.rstd[n*hw+p] = float32(m), float32(r)
	}
	mf, rf := float32(m), float32(r)
	for c := 0; c < ch; c++ {
		i := c*hw + p
		ys[i] = (xs[i]-mf)*rf*t.w[c] + t.bias[c]
	}
}

// layerNormBackColumn writes the input gradient at position p of sample n
// (a = x, b = dy, c = dx).
func (t *modTask) layerNormBackColumn(n, p int) {
	hw, ch := t.hw, t.ch
	xs, dys, dxs := t.a.Sample(n), t.b.Sample(n), t.c.Sample(n)
	m, r := float64(t.mean[n*hw+p]), float64(t.rstd[n*hw+p])
	var sd, sdx float64 // means of dxhat and dxhat*xhat over the channels
	for c := 0; c < ch; c++ {
		i := c*hw + p
		dh := float64(dys[i]) * float64(t.w[c])
		sd += dh
		sdx += dh * (float64(xs[i]) - m) * r
	}
	sd /= float64(ch)
	sdx /= float64(ch)
	for c := 0; c < ch; c++ {
		i := c*hw + p
		xh := (float64(xs[i]) - m) * r
		v := float32(r * (float64(dys[i])*float64(t.w[c]) - sd - xh*sdx))
		if t.acc {
			dxs[i] += v
		} else {
			dxs[i] = v
		}
	}
}

// layerNormParams overwrites dweight[c] and dbias[c] with the batch's sums of
// dy * xhat and dy over channel c, samples in order.
func (t *modTask) layerNormParams(c int) {
	hw := t.hw
	var dw, db float64
	for n := 0; n < t.a.N; n++ {
		xs, dys := t.a.Sample(n)[c*hw:(c+1)*hw], t.b.Sample(n)[c*hw:(c+1)*hw]
		ms, rs := t.mean[n*hw:(n+1)*hw], t.rstd[n*hw:(n+1)*hw]
		for p, d := range dys {
			dw += float64(d) * (float64(xs[p]) - float64(ms[p])) * float64(rs[p])
			db += float64(d)
		}
	}
	t.dw[c], t.db[c] = float32(dw), float32(db)
}

// scalePlane computes channel c of sample n: y = x * w[c] (a = x, b = y).
func (t *modTask) scalePlane(n, c int) {
	hw, f := t.hw, t.w[c]
	xs, ys := t.a.Sample(n)[c*hw:(c+1)*hw], t.b.Sample(n)[c*hw:(c+1)*hw]
	for i, v := range xs {
		ys[i] = v * f
	}
}

// scaleBackChannel overwrites dw[c] with Σ dy * x over the batch (samples in
// order, float64) and writes dx (+)= dy * w[c] for channel c when c.Data is
// set (a = x, b = dy, c = dx).
func (t *modTask) scaleBackChannel(ch int) {
	hw, f := t.hw, t.w[ch]
	var s float64
	for n := 0; n < t.a.N; n++ {
		xs, dys := t.a.Sample(n)[ch*hw:(ch+1)*hw], t.b.Sample(n)[ch*hw:(ch+1)*hw]
		for i, d := range dys {
			s += float64(d) * float64(xs[i])
		}
		if t.c.Data == nil {
			continue
		}
		dxs := t.c.Sample(n)[ch*hw : (ch+1)*hw]
		for i, d := range dys {
			if t.acc {
				dxs[i] += d * f
			} else {
				dxs[i] = d * f
			}
		}
	}
	t.dw[ch] = float32(s)
}
