package kernels

import (
	"math"
	"unsafe"
)

// Fast float32 exp for the sigmoid and tanh kernels: Cephes expf's range
// reduction and polynomial, e^x = 2^n * e^r with n = round(x*log2 e) and
// |r| <= ln2/2, in plain float32 arithmetic so that the loop stays in
// registers. Measured against math.Exp on every float32 in [-104, 88.72]
// (fastmath_test.go, NETC_EXHAUSTIVE=1): at most 1.31 ulp, subnormal results
// included (in ulps of the smallest subnormal there).
//
// The loop body is past the compiler's inlining budget, so rather than call
// a function per element the kernels stage arguments in a small stack block
// and run expSpan over it (see sigmoidSpan, tanhSpan).

const (
	expMin = -104                 // e^-104 rounds to 0 in float32
	expMax = 88.72283172607421875 // largest float32 with a finite e^x

	expBlock = 256 // elements staged per expSpan call (1 KiB of stack)
)

// expSpan replaces each v in s by e^v. Every v must be NaN or in
// [expMin, expMax]; callers clamp (NaN gives NaN).
func expSpan(s []float32) {
	const (
		log2e = 1.44269504088896341
		ln2Hi = 0.693359375 // ln 2 = ln2Hi + ln2Lo; n*ln2Hi is exact
		ln2Lo = -2.12194440e-4
		round = 12582912 // 1.5 * 2^23: t + round - round rounds t to an integer
	)
	for i, x := range s {
		t := x*log2e + round
		n := t - round
		r := x - n*ln2Hi
		r -= n * ln2Lo
		// e^r = 1 + r + r²(c0 + c1 r + ... + c5 r⁵), the polynomial in
		// Estrin's form: the loop is latency-bound, and Horner's chain of
		// six multiply-adds was most of the latency.
		z := r * r
		q := (5.0000001201e-1 + 1.6666665459e-1*r) + z*(4.1665795894e-2+8.3334519073e-3*r) + (z*z)*(1.3981999507e-3+1.9875691500e-4*r)
		p := (1 + r) + z*q
		// n sits in t's low mantissa bits. 2^n is applied as 2^h * 2^(n-h):
		// both factors stay normal for n in [-150, 128], so subnormal
		// results are rounded once and e^88.7 does not overflow early.
		k := int32(math.Float32bits(t)) - 0x4b400000
		h := k >> 1
		s[i] = p * math.Float32frombits(uint32(h+127)<<23) * math.Float32frombits(uint32(k-h+127)<<23)
	}
}

// float32Bits views s as its bit patterns, for kernels that work on the
// bits (keys, masks): loading them as integers saves a register move per
// element, and under register pressure the compiler spills those.
func float32Bits(s []float32) []uint32 {
	if len(s) == 0 {
		return nil
	}
	return unsafe.Slice((*uint32)(unsafe.Pointer(&s[0])), len(s))
}
