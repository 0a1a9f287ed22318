package kernels

import (
	"testing"

	"github.com/netc/netc/kernels/internal/guardmem"
)

// guarded is guardmem.Floats: x copied against an unreadable page, before
// its first element or (atEnd) after its last.
func guarded(t testing.TB, x []float32, atEnd bool) []float32 { return guardmem.Floats(t, x, atEnd) }
