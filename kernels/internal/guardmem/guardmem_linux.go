// Package guardmem places test inputs against pages that cannot be read,
// so a kernel that loads one element before or past its slice faults
// every time instead of when the slice happens to start or end a mapping
// (an argmax kernel's masked-out load of x[-1] crashed CI once, on an
// input at the Go heap's first address).
package guardmem

import (
	"syscall"
	"testing"
	"unsafe"
)

// Floats returns a copy of x starting right after an unreadable page, or
// (atEnd) ending right before one. The mapping lives until t ends; each
// call maps its own, so a test should keep its calls per subtest well
// under the system's map limit.
func Floats(t testing.TB, x []float32, atEnd bool) []float32 {
	t.Helper()
	page := syscall.Getpagesize()
	data := max(1, (4*len(x)+page-1)/page) * page
	mem, err := syscall.Mmap(-1, 0, data+2*page, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_PRIVATE|syscall.MAP_ANON)
	if err != nil {
		t.Fatalf("mmap: %v", err)
	}
	t.Cleanup(func() { syscall.Munmap(mem) })
	for _, guard := range [][]byte{mem[:page], mem[page+data:]} {
		if err := syscall.Mprotect(guard, syscall.PROT_NONE); err != nil {
			t.Fatalf("mprotect: %v", err)
		}
	}
	floats := unsafe.Slice((*float32)(unsafe.Pointer(&mem[page])), data/4)
	g := floats[:len(x):len(x)]
	if atEnd {
		g = floats[len(floats)-len(x):]
	}
	copy(g, x)
	return g
}
