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
