package kernels

import "fmt"

// need panics when s is shorter than n elements. Checking up front means a
// too-short output never ends up half written.
func need(what string, s []float32, n int) {
	if len(s) < n {
		panic(fmt.Sprintf("kernels: %s has %d elements, need %d", what, len(s), n))
	}
}

// floorDiv is integer division rounding toward -inf (PyTorch's div_rtn).
func floorDiv(a, b int) int {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

// span is the slice length a batch of n samples of per elements each needs
// when consecutive samples start stride elements apart (0: dense, per).
func span(n, per, stride int) int {
	if n <= 0 {
		return 0
	}
	return (n-1)*orDense(stride, per) + per
}

// orDense resolves a per-sample stride: 0 means dense (per).
func orDense(stride, per int) int {
	if stride == 0 {
		return per
	}
	return stride
}

// checkStride rejects a stride that would make samples overlap (or is
// negative); 0 (dense) is always valid.
func checkStride(op, name string, stride, per int) error {
	if stride != 0 && stride < per {
		return fmt.Errorf("%s: %s %d must be 0 (dense) or >= the per-sample size %d", op, name, stride, per)
	}
	return nil
}

// needIdx is need for index buffers.
func needIdx(what string, s []int32, n int) {
	if len(s) < n {
		panic(fmt.Sprintf("kernels: %s has %d elements, need %d", what, len(s), n))
	}
}
