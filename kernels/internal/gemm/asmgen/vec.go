package main

import (
	"math"

	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	"github.com/mmcloughlin/avo/reg"
)

// Vector loops of package kernels (batch normalization), generated into
// kernels/vec_amd64.s with -isa vec -pkg kernels. Each takes n, a multiple
// of 8 (the Go caller does the tail), and works eight floats per vector,
// AVX only (no FMA: a float32 result is rounded after each multiply and
// add, exactly as the Go loops it replaces compute it).
//
// Float64 sums convert four floats at a time (VCVTPS2PD) and keep separate
// accumulators per vector, added pairwise at the end, so the order of the
// additions is fixed by n alone.

// paramAddr is the stack address of argument name.
func paramAddr(name string) Mem {
	b, err := Param(name).Resolve()
	if err != nil {
		panic(err)
	}
	return b.Addr
}

func vecKernels() {
	affine(false)
	affine(true)
	moments()
	gradSums(false)
	gradSums(true)
	for _, masked := range []bool{false, true} {
		for _, acc := range []bool{false, true} {
			gradInput(masked, acc)
		}
	}
	sigmoid()
}

// affine emits affineAVX / affineReLUAVX(n int, x, y *float32, a, b float32):
// y[i] = x[i]*a + b, then max(., 0) with a NaN kept (VMAXPS returns its
// second source when either is NaN).
func affine(relu bool) {
	name := "affineAVX"
	if relu {
		name = "affineReLUAVX"
	}
	TEXT(name, NOSPLIT, "func(n int, x, y *float32, a, b float32)")
	Doc(name + " sets y[i] = x[i]*a + b for i < n (n a multiple of 8)" + map[bool]string{true: ", then max(y[i], 0).", false: "."}[relu])
	n := Load(Param("n"), reg.RCX)
	x := Load(Param("x"), reg.RSI)
	y := Load(Param("y"), reg.RDI)
	va, vb, zero := reg.Y14, reg.Y15, reg.Y13
	VBROADCASTSS(paramAddr("a"), va)
	VBROADCASTSS(paramAddr("b"), vb)
	VXORPS(zero, zero, zero)
	body := func(k int) {
		for i := 0; i < k; i++ {
			VMULPS(Mem{Base: x, Disp: 32 * i}, va, ymm[i])
		}
		for i := 0; i < k; i++ {
			VADDPS(vb, ymm[i], ymm[i])
			if relu {
				VMAXPS(ymm[i], zero, ymm[i])
			}
			VMOVUPS(ymm[i], Mem{Base: y, Disp: 32 * i})
		}
	}
	loops(n, 4, body, []reg.Register{x, y})
}

// loops runs body(4) over blocks of 32 floats, then body(1) over the
// remaining blocks of 8, advancing the pointers ptrs.
func loops(n reg.Register, k int, body func(k int), ptrs []reg.Register) {
	big := reg.RAX
	MOVQ(n, big)
	SHRQ(U8(5), big) // blocks of 32
	ANDQ(U8(31), n)
	SHRQ(U8(3), n) // then blocks of 8
	TESTQ(big, big)
	JZ(LabelRef("small"))
	Label("big")
	body(k)
	for _, p := range ptrs {
		ADDQ(U8(32*k), p)
	}
	DECQ(big)
	JNZ(LabelRef("big"))
	Label("small")
	TESTQ(n, n)
	JZ(LabelRef("done"))
	Label("one")
	body(1)
	for _, p := range ptrs {
		ADDQ(U8(32), p)
	}
	DECQ(n)
	JNZ(LabelRef("one"))
	Label("done")
	VZEROUPPER()
	RET()
}

// hsum4 adds accumulators acc (4 float64 lanes each) pairwise into acc[0],
// then its lanes as (l0+l2) + (l1+l3), into the low lane of acc[0].
func hsum4(acc []reg.VecPhysical) reg.VecPhysical {
	for len(acc) > 1 {
		var next []reg.VecPhysical
		for i := 0; i+1 < len(acc); i += 2 {
			VADDPD(acc[i+1], acc[i], acc[i])
			next = append(next, acc[i])
		}
		acc = next
	}
	a := acc[0]
	lo, hi := a.AsX(), reg.X15
	VEXTRACTF128(U8(1), a, hi)
	VADDPD(hi, lo, lo)    // (l0+l2, l1+l3)
	VUNPCKHPD(lo, lo, hi) // (l1+l3, l1+l3)
	VADDSD(hi, lo, lo)    // (l0+l2) + (l1+l3)
	return a
}

// returnSums adds up each set of float64 accumulators (hsum4) and returns
// them as the function's two float64 results.
func returnSums(a, b []reg.VecPhysical) {
	ra, rb := hsum4(a).AsX(), hsum4(b).AsX()
	VZEROUPPER() // before the SSE stores; keeps the low lanes
	Store(ra, ReturnIndex(0))
	Store(rb, ReturnIndex(1))
	RET()
}

// moments emits momentsAVX(n int, x *float32, k float64) (s, q float64):
// s = sum of x[i]-k, q = sum of (x[i]-k)^2, in float64.
func moments() {
	TEXT("momentsAVX", NOSPLIT, "func(n int, x *float32, k float64) (s, q float64)")
	Doc("momentsAVX returns the float64 sums of x[i]-k and (x[i]-k)^2 for i < n (n a multiple of 8).")
	n := Load(Param("n"), reg.RCX)
	x := Load(Param("x"), reg.RSI)
	vk := reg.Y15
	VBROADCASTSD(paramAddr("k"), vk)
	s := ymm[8:10]
	q := ymm[10:12]
	for _, r := range append(append([]reg.VecPhysical{}, s...), q...) {
		VXORPD(r, r, r)
	}
	SHRQ(U8(3), n)
	TESTQ(n, n)
	JZ(LabelRef("done"))
	Label("loop")
	for h := 0; h < 2; h++ {
		d := ymm[h]
		VCVTPS2PD(Mem{Base: x, Disp: 16 * h}, d)
		VSUBPD(vk, d, d)
		VADDPD(d, s[h], s[h])
		VMULPD(d, d, d)
		VADDPD(d, q[h], q[h])
	}
	ADDQ(U8(32), x)
	DECQ(n)
	JNZ(LabelRef("loop"))
	Label("done")
	returnSums(s, q)
}

// gradSums emits gradSumsAVX(n int, dy, x *float32, mean float64) (s, p
// float64) and gradSumsMaskedAVX(n int, dy, x, y *float32, mean float64):
// s = sum of d, p = sum of (x[i]-mean)*d in float64, d = dy[i], masked to 0
// where y[i] > 0 fails (NaN included) for the masked variant.
func gradSums(masked bool) {
	name, sig := "gradSumsAVX", "func(n int, dy, x *float32, mean float64) (s, p float64)"
	if masked {
		name, sig = "gradSumsMaskedAVX", "func(n int, dy, x, y *float32, mean float64) (s, p float64)"
	}
	TEXT(name, NOSPLIT, sig)
	Doc(name + " returns the float64 sums of d[i] and (x[i]-mean)*d[i] for i < n (n a multiple of 8), d = dy" +
		map[bool]string{true: " where y > 0, else 0.", false: "."}[masked])
	n := Load(Param("n"), reg.RCX)
	dy := Load(Param("dy"), reg.RSI)
	x := Load(Param("x"), reg.RDI)
	ptrs := []reg.Register{dy, x}
	var y reg.Register
	if masked {
		y = Load(Param("y"), reg.RDX)
		ptrs = append(ptrs, y)
	}
	vm, zero := reg.Y15, reg.Y14
	VBROADCASTSD(paramAddr("mean"), vm)
	VXORPS(zero, zero, zero)
	s, p := ymm[8:10], ymm[10:12]
	for _, r := range []reg.VecPhysical{s[0], s[1], p[0], p[1]} {
		VXORPD(r, r, r)
	}
	SHRQ(U8(3), n)
	TESTQ(n, n)
	JZ(LabelRef("done"))
	Label("loop")
	d := [2]reg.VecPhysical{reg.Y0, reg.Y1}
	if masked {
		m := reg.Y2
		VCMPPS(U8(0x11), Mem{Base: y}, zero, m) // 0 < y, ordered: false for NaN
		VANDPS(Mem{Base: dy}, m, m)
		VCVTPS2PD(m.AsX(), d[0])
		VEXTRACTF128(U8(1), m, reg.X3)
		VCVTPS2PD(reg.X3, d[1])
	} else {
		VCVTPS2PD(Mem{Base: dy}, d[0])
		VCVTPS2PD(Mem{Base: dy, Disp: 16}, d[1])
	}
	for h := 0; h < 2; h++ {
		xd := ymm[4+h]
		VCVTPS2PD(Mem{Base: x, Disp: 16 * h}, xd)
		VSUBPD(vm, xd, xd)
		VADDPD(d[h], s[h], s[h])
		VMULPD(d[h], xd, xd)
		VADDPD(xd, p[h], p[h])
	}
	for _, r := range ptrs {
		ADDQ(U8(32), r)
	}
	DECQ(n)
	JNZ(LabelRef("loop"))
	Label("done")
	returnSums(s, p)
}

// gradInput emits gradInput{,Masked}{Set,Add}AVX(n int, dy, x, [y,] dx
// *float32, mean, ka, kb, kc float32): r = (d*ka + (x[i]-mean)*kb) + kc with
// d as in gradSums; dx[i] = r, or dx[i] += r.
func gradInput(masked, acc bool) {
	name := "gradInput"
	sig := "func(n int, dy, x, dx *float32, mean, ka, kb, kc float32)"
	if masked {
		name += "Masked"
		sig = "func(n int, dy, x, y, dx *float32, mean, ka, kb, kc float32)"
	}
	if acc {
		name += "AddAVX"
	} else {
		name += "SetAVX"
	}
	TEXT(name, NOSPLIT, sig)
	Doc(name + " computes dx[i] " + map[bool]string{true: "+=", false: "="}[acc] +
		" d*ka + (x[i]-mean)*kb + kc for i < n (n a multiple of 8)" + map[bool]string{true: ", d = dy where y > 0, else 0.", false: ", d = dy."}[masked])
	n := Load(Param("n"), reg.RCX)
	dy := Load(Param("dy"), reg.RSI)
	x := Load(Param("x"), reg.RDI)
	dx := Load(Param("dx"), reg.R8)
	ptrs := []reg.Register{dy, x, dx}
	var y reg.Register
	if masked {
		y = Load(Param("y"), reg.RDX)
		ptrs = append(ptrs, y)
	}
	vmean, vka, vkb, vkc, zero := reg.Y11, reg.Y12, reg.Y13, reg.Y14, reg.Y15
	VBROADCASTSS(paramAddr("mean"), vmean)
	VBROADCASTSS(paramAddr("ka"), vka)
	VBROADCASTSS(paramAddr("kb"), vkb)
	VBROADCASTSS(paramAddr("kc"), vkc)
	VXORPS(zero, zero, zero)
	body := func(k int) {
		for i := 0; i < k; i++ {
			d, t := ymm[2*i], ymm[2*i+1]
			if masked {
				VCMPPS(U8(0x11), Mem{Base: y, Disp: 32 * i}, zero, d) // 0 < y
				VANDPS(Mem{Base: dy, Disp: 32 * i}, d, d)
				VMULPS(vka, d, d)
			} else {
				VMULPS(Mem{Base: dy, Disp: 32 * i}, vka, d)
			}
			VMOVUPS(Mem{Base: x, Disp: 32 * i}, t)
			VSUBPS(vmean, t, t)
			VMULPS(vkb, t, t)
			VADDPS(t, d, d)
			VADDPS(vkc, d, d)
			if acc {
				VADDPS(Mem{Base: dx, Disp: 32 * i}, d, d)
			}
			VMOVUPS(d, Mem{Base: dx, Disp: 32 * i})
		}
	}
	loops(n, 4, body, ptrs)
}

// sigmoid emits sigmoidAVX2(n int, x, y *float32): y[i] = 1/(1+e^-x[i]),
// operation for operation the Go code of kernels.sigmoidSpan and expSpan
// (Cephes expf on -|x| clamped to -104, then 1/(1+e) or e/(1+e) by x's
// sign), so that both give the same bits. Two vectors per iteration: one
// chain is latency-bound. AVX2 for the integer steps that build 2^n.
func sigmoid() {
	TEXT("sigmoidAVX2", NOSPLIT, "func(n int, x, y *float32)")
	Doc("sigmoidAVX2 sets y[i] = 1/(1+exp(-x[i])) for i < n (n a multiple of 16), as kernels.sigmoidSpan does.")
	f32 := func(v float64) uint32 { return math.Float32bits(float32(v)) }
	consts := []struct {
		name string
		bits uint32
	}{
		{"abs", 0x7fffffff}, {"sign", 0x80000000},
		{"log2e", f32(1.44269504088896341)}, {"round", f32(12582912)},
		{"ln2hi", f32(0.693359375)}, {"ln2lo", f32(-2.12194440e-4)},
		{"c0", f32(5.0000001201e-1)}, {"c1", f32(1.6666665459e-1)},
		{"c2", f32(4.1665795894e-2)}, {"c3", f32(8.3334519073e-3)},
		{"c4", f32(1.3981999507e-3)}, {"c5", f32(1.9875691500e-4)},
		{"bias", 0x4b400000}, {"e127", 127},
	}
	tab := GLOBL("sigmoidConsts", RODATA|NOPTR)
	at := map[string]Mem{}
	for i, c := range consts {
		for l := 0; l < 8; l++ {
			DATA(32*i+4*l, U32(c.bits))
		}
		at[c.name] = tab.Offset(32 * i)
	}
	n := Load(Param("n"), reg.RCX)
	x := Load(Param("x"), reg.RSI)
	y := Load(Param("y"), reg.RDI)
	// In registers: 104 (the clamp must keep a NaN, so it is VMINPS's
	// first source) and 1 (VBLENDVPS's first source).
	c104, one := reg.Y14, reg.Y15
	MOVL(U32(f32(104)), reg.EAX)
	VMOVD(reg.EAX, c104.AsX())
	VBROADCASTSS(c104.AsX(), c104)
	MOVL(U32(f32(1)), reg.EAX)
	VMOVD(reg.EAX, one.AsX())
	VBROADCASTSS(one.AsX(), one)
	SHRQ(U8(4), n)
	TESTQ(n, n)
	JZ(LabelRef("done"))
	Label("loop")
	for c := 0; c < 2; c++ {
		v, a, t, nn, r, z, q := ymm[7*c], ymm[7*c+1], ymm[7*c+2], ymm[7*c+3], ymm[7*c+4], ymm[7*c+5], ymm[7*c+6]
		off := 32 * c
		VMOVUPS(Mem{Base: x, Disp: off}, v)
		VANDPS(at["abs"], v, a)   // a = |v|
		VMINPS(a, c104, a)        // min(104, a), NaN kept
		VXORPS(at["sign"], a, a)  // x' = -a
		VMULPS(at["log2e"], a, t) // t = x'*log2e + round
		VADDPS(at["round"], t, t)
		VSUBPS(at["round"], t, nn) // n = t - round
		VMULPS(at["ln2hi"], nn, r) // r = x' - n*ln2Hi
		VSUBPS(r, a, r)
		VMULPS(at["ln2lo"], nn, nn) // r -= n*ln2Lo
		VSUBPS(nn, r, r)
		VMULPS(r, r, z)        // z = r*r
		VMULPS(at["c1"], r, q) // q = (c0 + c1 r)
		VADDPS(at["c0"], q, q)
		VMULPS(at["c3"], r, nn) //   + z*(c2 + c3 r)
		VADDPS(at["c2"], nn, nn)
		VMULPS(nn, z, nn)
		VADDPS(nn, q, q)
		VMULPS(at["c5"], r, nn) //   + (z*z)*(c4 + c5 r)
		VADDPS(at["c4"], nn, nn)
		VMULPS(z, z, a)
		VMULPS(nn, a, nn)
		VADDPS(nn, q, q)
		VADDPS(one, r, r) // p = (1 + r) + z*q
		VMULPS(q, z, z)
		VADDPS(z, r, r)
		VPSUBD(at["bias"], t, t) // k = bits(t) - 0x4b400000
		VPSRAD(U8(1), t, nn)     // h = k >> 1
		VPSUBD(nn, t, t)         // k - h
		VPADDD(at["e127"], nn, nn)
		VPSLLD(U8(23), nn, nn) // 2^h
		VPADDD(at["e127"], t, t)
		VPSLLD(U8(23), t, t) // 2^(k-h)
		VMULPS(nn, r, r)     // e = p * 2^h * 2^(k-h)
		VMULPS(t, r, r)
		VADDPS(one, r, z)       // 1 + e
		VBLENDVPS(v, r, one, q) // x < 0 (sign bit): e, else 1
		VDIVPS(z, q, q)
		VMOVUPS(q, Mem{Base: y, Disp: off})
	}
	ADDQ(U8(64), x)
	ADDQ(U8(64), y)
	DECQ(n)
	JNZ(LabelRef("loop"))
	Label("done")
	VZEROUPPER()
	RET()
}
