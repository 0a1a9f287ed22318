package gemm

import (
	"syscall"
	"testing"
	"unsafe"
)

// guarded returns a copy of x against a page that cannot be read: starting
// right after one, or (atEnd) ending right before one, so a kernel that
// reads one element outside x faults. A copy of kernels' guard_linux_test.go
// (a package's test helpers cannot be imported); the mapping lives until t
// ends.
func guarded(t testing.TB, x []float32, atEnd bool) []float32 {
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
