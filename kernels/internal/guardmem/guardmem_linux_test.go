package guardmem

import (
	"runtime/debug"
	"slices"
	"testing"
	"unsafe"
)

// TestFloatsFaultsOutside: the copy holds x, and a load of the float just
// before it (or, atEnd, just after it) faults.
func TestFloatsFaultsOutside(t *testing.T) {
	x := []float32{1, 2, 3}
	for _, atEnd := range []bool{false, true} {
		g := Floats(t, x, atEnd)
		if !slices.Equal(g, x) {
			t.Fatalf("atEnd %v: copy %v, want %v", atEnd, g, x)
		}
		outside := unsafe.Add(unsafe.Pointer(&g[0]), -4)
		if atEnd {
			outside = unsafe.Add(unsafe.Pointer(&g[len(g)-1]), 4)
		}
		if !faults(outside) {
			t.Errorf("atEnd %v: the float outside the copy could be read", atEnd)
		}
		if faults(unsafe.Pointer(&g[0])) || faults(unsafe.Pointer(&g[len(g)-1])) {
			t.Errorf("atEnd %v: the copy's own floats could not be read", atEnd)
		}
	}
}

// faults reports whether loading a float32 at p faults.
func faults(p unsafe.Pointer) (faulted bool) {
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() { faulted = recover() != nil }()
	_ = *(*float32)(p)
	return false
}
