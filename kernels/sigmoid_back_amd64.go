//go:build !purego && amd64

package kernels

// The sigmoid backward loop in AVX: the same three roundings per element
// as sigmoidBackSpan's Go loop ((dy*y)*(1-y), then the add to dx), so the
// same bits. The Go loop took 0.5 ms of LeNet-BN's b256 training step.

//go:noescape
func sigmoidBackAVX(n int, y, dy, dx *float32, acc bool)

// vecSigmoidBack does the leading multiple of 8 elements and returns how
// many.
func vecSigmoidBack(y, dy, dx []float32, acc bool) int {
	n := vecLen(len(y))
	if n == 0 {
		return 0
	}
	_, _ = dy[n-1], dx[n-1]
	sigmoidBackAVX(n, &y[0], &dy[0], &dx[0], acc)
	return n
}
