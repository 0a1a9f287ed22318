package tensorio

import (
	"fmt"
	"math/bits"
)

// checkedBytes returns product(shape)×itemSize, refusing negative
// dimensions and any product that does not fit in an int64: the overflow
// that turned [4194305, 4194305, 211106198978564] into 4 elements in other
// safetensors readers.
func checkedBytes(shape []int64, itemSize uint64) (int64, error) {
	total := itemSize
	for i, d := range shape {
		if d < 0 {
			return 0, fmt.Errorf("dimension %d is %d, expected ≥ 0", i, d)
		}
		hi, lo := bits.Mul64(total, uint64(d))
		if hi != 0 || lo > 1<<62 {
			return 0, fmt.Errorf("shape %s holds more than 2^62 bytes", shapeText(shape))
		}
		total = lo
	}
	return int64(total), nil
}

// shapeInt64 widens a Go shape for checkedBytes.
func shapeInt64(shape []int) []int64 {
	out := make([]int64, len(shape))
	for i, d := range shape {
		out[i] = int64(d)
	}
	return out
}

// shapeInt narrows a checked shape back to int: every dimension is at most
// the byte count, which fits.
func shapeInt(shape []int64) []int {
	out := make([]int, len(shape))
	for i, d := range shape {
		out[i] = int(d)
	}
	return out
}
