package kernels

import (
	"syscall"
	"testing"
	"unsafe"
)

// guarded returns a copy of x placed against a page that cannot be read:
// starting at the first byte after one, or (atEnd) ending at the last byte
// before one. A kernel handed it faults if it reads one element outside
// its slice, which on the Go heap goes unseen unless the slice happens to
// start or end a mapping (it did once in CI: an argmax kernel read x[-1]
// of an input at the heap's first address).
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
