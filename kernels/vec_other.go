//go:build purego || !amd64

package kernels

// Without the vector loops (purego builds, other CPUs) the Go loops do all
// the elements.

func vecLen(n int) int { return 0 }

func vecAffine(x, y []float32, a, b float32, relu bool) int { return 0 }

func vecMoments(x []float32, k float64) (s, q float64, n int) { return 0, 0, 0 }

func vecGradSums(dy, x, y []float32, mean float64) (s, p float64, n int) { return 0, 0, 0 }

func vecGradInput(dy, x, y, dx []float32, mean, ka, kb, kc float32, acc bool) int { return 0 }

func vecSigmoid(x, y []float32) int { return 0 }

func vecSigmoidBack(y, dy, dx []float32, acc bool) int { return 0 }
