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
	t := modTask{op: modMul, a: a, b: b, c: y, ba: ba, bb: bb, hw: hw}
	t.run(y.N*full, 1)
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
	if self {
		t := modTask{op: modProdGradSum, a: dy, b: other, bb: otherBroadcast, d: d, hw: hw, ch: l, acc: acc}
		t.run(dy.N*l, hw)
		return
	}
	t := modTask{op: modProdGrad, a: dy, b: other, bb: otherBroadcast, d: d, hw: hw, acc: acc}
	t.run(dy.N*dy.Len, 1)
}

// AddBroadcastForwardView computes y = a + b; either input may be per-channel.
func AddBroadcastForwardView(a, b, y View, hw int) {
	full := y.Len
	y.check("add", "y", a.N, full)
	ba, bb := broadcastOf("add", "a", a, y.N, full, hw), broadcastOf("add", "b", b, y.N, full, hw)
	t := modTask{op: modAdd, a: a, b: b, c: y, ba: ba, bb: bb, hw: hw}
	t.run(y.N*full, 1)
}

// AddBroadcastBackwardView computes dx (+)= dy, summed over the positions (in float64)
// when dx is per-channel.
func AddBroadcastBackwardView(dy View, hw int, dx View, accumulate bool) {
	self := broadcastOf("add backward", "dx", dx, dy.N, dy.Len, hw)
	dy.check("add backward", "dy", dy.N, dy.Len)
	if !self {
		runPass(dy, dx, accumulate)
		return
	}
	t := modTask{op: modSum, a: dy, b: dx, hw: hw, ch: dx.Len, acc: accumulate}
	t.run(dy.N*dx.Len, hw)
}
