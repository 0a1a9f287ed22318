//go:build !purego && amd64

package kernels

import "golang.org/x/sys/cpu"

// Batchnorm's vector loops, generated into vec_amd64.s by
// kernels/internal/gemm/asmgen (-isa vec; see its vec.go). Each vec* wrapper does the
// largest multiple of 8 elements it can and returns how many, leaving the
// tail (and every element when the CPU lacks AVX) to the Go loops.

//go:generate sh -c "cd internal/gemm/asmgen && go run . -isa vec -pkg kernels -out ../../../vec_amd64.s"

//go:noescape
func affineAVX(n int, x, y *float32, a, b float32)

//go:noescape
func affineReLUAVX(n int, x, y *float32, a, b float32)

//go:noescape
func momentsAVX(n int, x *float32, k float64) (s, q float64)

//go:noescape
func gradSumsAVX(n int, dy, x *float32, mean float64) (s, p float64)

//go:noescape
func gradSumsMaskedAVX(n int, dy, x, y *float32, mean float64) (s, p float64)

//go:noescape
func gradInputSetAVX(n int, dy, x, dx *float32, mean, ka, kb, kc float32)

//go:noescape
func gradInputAddAVX(n int, dy, x, dx *float32, mean, ka, kb, kc float32)

//go:noescape
func gradInputMaskedSetAVX(n int, dy, x, y, dx *float32, mean, ka, kb, kc float32)

//go:noescape
func gradInputMaskedAddAVX(n int, dy, x, y, dx *float32, mean, ka, kb, kc float32)

var haveVec = cpu.X86.HasAVX

// vecLen is how many leading elements of a length-n run the vector loops
// take: a multiple of 8, 0 without AVX.
func vecLen(n int) int {
	if !haveVec {
		return 0
	}
	return n &^ 7
}

// vecAffine sets y[i] = x[i]*a + b (relu: max(., 0)).
func vecAffine(x, y []float32, a, b float32, relu bool) int {
	n := vecLen(len(x))
	if n == 0 {
		return 0
	}
	_ = y[n-1]
	if relu {
		affineReLUAVX(n, &x[0], &y[0], a, b)
	} else {
		affineAVX(n, &x[0], &y[0], a, b)
	}
	return n
}

// vecMoments returns the float64 sums of x[i]-k and (x[i]-k)².
func vecMoments(x []float32, k float64) (s, q float64, n int) {
	n = vecLen(len(x))
	if n == 0 {
		return 0, 0, 0
	}
	s, q = momentsAVX(n, &x[0], k)
	return s, q, n
}

// vecGradSums returns the float64 sums of d and (x[i]-mean)*d, d = dy[i]
// masked to 0 unless y[i] > 0 when y is not nil.
func vecGradSums(dy, x, y []float32, mean float64) (s, p float64, n int) {
	n = vecLen(len(dy))
	if n == 0 {
		return 0, 0, 0
	}
	_ = x[n-1]
	if y != nil {
		_ = y[n-1]
		s, p = gradSumsMaskedAVX(n, &dy[0], &x[0], &y[0], mean)
	} else {
		s, p = gradSumsAVX(n, &dy[0], &x[0], mean)
	}
	return s, p, n
}

// vecGradInput sets (acc: adds to) dx[i] = d*ka + (x[i]-mean)*kb + kc, d as
// in vecGradSums.
func vecGradInput(dy, x, y, dx []float32, mean, ka, kb, kc float32, acc bool) int {
	n := vecLen(len(dy))
	if n == 0 {
		return 0
	}
	_, _ = x[n-1], dx[n-1]
	switch {
	case y != nil && acc:
		_ = y[n-1]
		gradInputMaskedAddAVX(n, &dy[0], &x[0], &y[0], &dx[0], mean, ka, kb, kc)
	case y != nil:
		_ = y[n-1]
		gradInputMaskedSetAVX(n, &dy[0], &x[0], &y[0], &dx[0], mean, ka, kb, kc)
	case acc:
		gradInputAddAVX(n, &dy[0], &x[0], &dx[0], mean, ka, kb, kc)
	default:
		gradInputSetAVX(n, &dy[0], &x[0], &dx[0], mean, ka, kb, kc)
	}
	return n
}

//go:noescape
func sigmoidAVX2(n int, x, y *float32)

var haveVec2 = cpu.X86.HasAVX2

// vecSigmoid sets y = sigmoid(x) for the largest multiple of 16 elements,
// the same bits as sigmoidSpan's Go loops (see vec.go in the generator).
func vecSigmoid(x, y []float32) int {
	if !haveVec2 {
		return 0
	}
	n := len(x) &^ 15
	if n == 0 {
		return 0
	}
	_ = y[n-1]
	sigmoidAVX2(n, &x[0], &y[0])
	return n
}
