package kernels

import "fmt"

// Elementwise merges of two branch outputs with PyTorch's broadcasting of a C x 1 x 1
// gate over C x H x W: each input view holds either C*HW floats per sample (full) or C
// (one per channel, the same for all HW positions). The output is full.

// broadcastOf reports whether v, against a full length of full elements per sample, is a
// per-channel view, and checks that it is one or the other.
func broadcastOf(name, role string, v View, n, full, hw int) bool {
	if v.Len == full {
		v.check(name, role, n, full)
		return false
	}
	if v.Len*hw != full {
		panic(fmt.Sprintf("kernels: %s %s has %d elements per sample; want %d, or %d to broadcast over %d positions", name, role, v.Len, full, full/hw, hw))
	}
	v.check(name, role, n, v.Len)
	return true
}

// MulForwardView computes y = a * b; either input may be per-channel.
func MulForwardView(a, b, y View, hw int) {
	full := y.Len
	y.check("mul", "y", a.N, full)
	ba, bb := broadcastOf("mul", "a", a, y.N, full, hw), broadcastOf("mul", "b", b, y.N, full, hw)
	for n := 0; n < y.N; n++ {
		as, bs, ys := a.Sample(n), b.Sample(n), y.Sample(n)
		for i := range ys {
			ai, bi := i, i
			if ba {
				ai = i / hw
			}
			if bb {
				bi = i / hw
			}
			ys[i] = as[ai] * bs[bi]
		}
	}
}

// MulBackwardView computes da (+)= dy * b and db (+)= dy * a, each summed over the
// positions (in float64) when that input is per-channel. An input whose gradient view has
// nil Data is skipped.
func MulBackwardView(a, b, dy View, hw int, da View, accA bool, db View, accB bool) {
	full := dy.Len
	ba, bb := broadcastOf("mul backward", "a", a, dy.N, full, hw), broadcastOf("mul backward", "b", b, dy.N, full, hw)
	if da.Data != nil {
		productGrad(dy, b, bb, a.Len, ba, hw, da, accA)
	}
	if db.Data != nil {
		productGrad(dy, a, ba, b.Len, bb, hw, db, accB)
	}
}

// productGrad computes d (+)= dy * other for the input whose gradient is d (l elements per
// sample, per-channel when self), other being the other input.
func productGrad(dy, other View, otherBroadcast bool, l int, self bool, hw int, d View, acc bool) {
	d.check("mul backward", "gradient", dy.N, l)
	for n := 0; n < dy.N; n++ {
		dys, os, ds := dy.Sample(n), other.Sample(n), d.Sample(n)
		at := func(i int) float32 {
			if otherBroadcast {
				return os[i/hw]
			}
			return os[i]
		}
		if !self {
			for i, g := range dys {
				if acc {
					ds[i] += g * at(i)
				} else {
					ds[i] = g * at(i)
				}
			}
			continue
		}
		for c := range ds {
			var s float64
			for i := c * hw; i < (c+1)*hw; i++ {
				s += float64(dys[i]) * float64(at(i))
			}
			if acc {
				ds[c] += float32(s)
			} else {
				ds[c] = float32(s)
			}
		}
	}
}

// AddBroadcastForwardView computes y = a + b; either input may be per-channel.
func AddBroadcastForwardView(a, b, y View, hw int) {
	full := y.Len
	y.check("add", "y", a.N, full)
	ba, bb := broadcastOf("add", "a", a, y.N, full, hw), broadcastOf("add", "b", b, y.N, full, hw)
	for n := 0; n < y.N; n++ {
		as, bs, ys := a.Sample(n), b.Sample(n), y.Sample(n)
		for i := range ys {
			ai, bi := i, i
			if ba {
				ai = i / hw
			}
			if bb {
				bi = i / hw
			}
			ys[i] = as[ai] + bs[bi]
		}
	}
}

// AddBroadcastBackwardView computes dx (+)= dy, summed over the positions (in float64)
// when dx is per-channel.
func AddBroadcastBackwardView(dy View, hw int, dx View, accumulate bool) {
	self := broadcastOf("add backward", "dx", dx, dy.N, dy.Len, hw)
	dy.check("add backward", "dy", dy.N, dy.Len)
	for n := 0; n < dy.N; n++ {
		dys, dxs := dy.Sample(n), dx.Sample(n)
		if !self {
			for i, g := range dys {
				if accumulate {
					dxs[i] += g
				} else {
					dxs[i] = g
				}
			}
			continue
		}
		for c := range dxs {
			var s float64
			for _, g := range dys[c*hw : (c+1)*hw] {
				s += float64(g)
			}
			if accumulate {
				dxs[c] += float32(s)
			} else {
				dxs[c] = float32(s)
			}
		}
	}
}
