//go:build !purego && amd64

package gemm

import "golang.org/x/sys/cpu"

// packB16AVX and packB16x4AVX are generated into pack_amd64.s by asmgen -isa pack.
//
//go:noescape
func packB16AVX(kc int, src *float32, ldb int, dst *float32)

//go:noescape
func packB16x4AVX(kc int, src *float32, ldb int, dst *float32)

//go:noescape
func transpose24AVX(blocks int, src *float32, ld int, dst *float32)

//go:noescape
func transpose16AVX(blocks int, src *float32, ld int, dst *float32)

//go:noescape
func transpose6AVX(blocks int, src *float32, ld int, dst *float32)

var hasAVX = cpu.X86.HasAVX

// transposeBlocks interleaves n = 6, 16 or 24 rows of src (stride ld) into d
// with stride n for the first k steps it can do eight at a time, and
// returns how many it did (gatherRows does the rest). transpose6AVX
// writes two floats past each block's last run, so it stops at least one
// k step before kc.
func transposeBlocks(d []float32, n int, src []float32, ld, off, kc int) int {
	if !hasAVX {
		return 0
	}
	switch n {
	case 24:
		b := kc / 8
		if b > 0 {
			transpose24AVX(b, (*float32)(at(src, off)), ld, (*float32)(at(d, 0)))
		}
		return 8 * b
	case 16:
		b := kc / 8
		if b > 0 {
			transpose16AVX(b, (*float32)(at(src, off)), ld, (*float32)(at(d, 0)))
		}
		return 8 * b
	case 6:
		b := (kc - 1) / 8
		if b > 0 {
			transpose6AVX(b, (*float32)(at(src, off)), ld, (*float32)(at(d, 0)))
		}
		return 8 * max(b, 0)
	}
	return 0
}

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
