//go:build !purego && amd64

package gemm

import "golang.org/x/sys/cpu"

// packB16AVX and packB16x4AVX are generated into pack_amd64.s by asmgen -isa pack.
//
//go:noescape
func packB16AVX(kc int, src *float32, ldb int, dst *float32)

//go:noescape
func packB16x4AVX(kc int, src *float32, ldb int, dst *float32)

var hasAVX = cpu.X86.HasAVX

func packB16(d, s *float32, kc, ldb int) {
	if hasAVX {
		packB16AVX(kc, s, ldb, d)
		return
	}
	packB16Go(d, s, kc, ldb)
}

func packB16x4(d, s *float32, kc, ldb int) {
	if hasAVX {
		packB16x4AVX(kc, s, ldb, d)
		return
	}
	packB16x4Go(d, s, kc, ldb)
}
