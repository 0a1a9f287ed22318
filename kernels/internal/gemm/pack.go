package gemm

import "unsafe"

// Packing copies a block of op(A) or op(B) into the order the micro-kernel
// reads it, so the kernel's loads are unit-stride, touch few pages and are
// reused from cache: each packed B micro-panel is read once per A panel of
// the M block and each packed A block once per B micro-panel.
//
// Bounds are checked once at the API; the loops use unsafe pointers because
// per-element bounds checks cost more than the copies.

// at returns &s[i] without a bounds check.
func at(s []float32, i int) unsafe.Pointer {
	return unsafe.Add(unsafe.Pointer(unsafe.SliceData(s)), 4*i)
}

// packA packs op(A)[i0:i0+mc, p0:p0+kc] into ceil(mc/MR) micro-panels of
// MR x kc, k-major: panel q holds dst[q*MR*kc + p*MR + r] = op(A)[i0+q*MR+r][p0+p].
// Rows past mc in the last panel are left as they are; only the kernel
// variant for the valid row count reads the panel.
func packA(dst []float32, mr int, transA bool, a []float32, lda, i0, mc, p0, kc int) {
	for q := 0; q*mr < mc; q++ {
		rows := min(mr, mc-q*mr)
		d := at(dst, q*mr*kc)
		i := i0 + q*mr
		if transA {
			// op(A)[i][p] = a[p*lda+i]: each k step is a contiguous run of
			// rows. Fixed-size array copies for the full-panel case avoid a
			// memmove call per k step.
			s := at(a, p0*lda+i)
			switch {
			case rows == 6 && mr == 6:
				for p := range kc {
					*(*[6]float32)(unsafe.Add(d, 4*p*6)) = *(*[6]float32)(unsafe.Add(s, 4*p*lda))
				}
			case rows == 24 && mr == 24:
				for p := range kc {
					*(*[24]float32)(unsafe.Add(d, 4*p*24)) = *(*[24]float32)(unsafe.Add(s, 4*p*lda))
				}
			default:
				for p := range kc {
					copy(unsafe.Slice((*float32)(unsafe.Add(d, 4*p*mr)), rows),
						unsafe.Slice((*float32)(unsafe.Add(s, 4*p*lda)), rows))
				}
			}
			continue
		}
		// op(A)[i][p] = a[i*lda+p]: read rows contiguously, interleave them
		// into the panel with stride MR.
		gatherRows(unsafe.Slice((*float32)(d), mr*kc), mr, a, lda, i*lda+p0, rows, kc)
	}
}

// packB packs op(B)[p0:p0+kc, j0:j0+nc] into ceil(nc/NR) micro-panels of
// kc x NR: panel q holds dst[q*kc*NR + p*NR + j] = op(B)[p0+p][j0+q*NR+j].
func packB(dst []float32, nr int, transB bool, b []float32, ldb, p0, kc, j0, nc int) {
	q := 0
	if !transB && nr == 16 {
		// Four panels per pass: 256 contiguous bytes per source row.
		for ; (q+4)*16 <= nc; q += 4 {
			packB16x4((*float32)(at(dst, q*kc*16)), (*float32)(at(b, p0*ldb+j0+q*16)), kc, ldb)
		}
	}
	for ; q*nr < nc; q++ {
		packBPanel(at(dst, q*kc*nr), nr, transB, b, ldb, p0, kc, j0+q*nr, min(nr, nc-q*nr))
	}
}

// packBPanel packs the single kc x NR micro-panel of op(B) starting at
// row p0, column j, with cols <= NR valid columns. Columns past cols are
// zeroed so the scratch-tile path multiplies zeros, not stale data.
func packBPanel(d unsafe.Pointer, nr int, transB bool, b []float32, ldb, p0, kc, j, cols int) {
	if cols < nr {
		clear(unsafe.Slice((*float32)(d), kc*nr))
	}
	if transB {
		// op(B)[p][j] = b[j*ldb+p]: read each column of op(B) (a row of
		// b) contiguously, interleave with stride NR.
		gatherRows(unsafe.Slice((*float32)(d), nr*kc), nr, b, ldb, j*ldb+p0, cols, kc)
		return
	}
	// op(B)[p][j] = b[p*ldb+j]: NR contiguous floats per k step.
	s := at(b, p0*ldb+j)
	if cols == 16 && nr == 16 {
		packB16((*float32)(d), (*float32)(s), kc, ldb)
		return
	}
	for p := range kc {
		copy(unsafe.Slice((*float32)(unsafe.Add(d, 4*p*nr)), cols),
			unsafe.Slice((*float32)(unsafe.Add(s, 4*p*ldb)), cols))
	}
}

// packB16Go copies kc rows of 16 floats with source stride ldb.
func packB16Go(d, s *float32, kc, ldb int) {
	for p := range kc {
		*(*[16]float32)(unsafe.Add(unsafe.Pointer(d), 4*p*16)) = *(*[16]float32)(unsafe.Add(unsafe.Pointer(s), 4*p*ldb))
	}
}

// gatherRows interleaves n source rows of length kc, src[off+r*ld:][:kc],
// into d with d[p*stride+r] = row_r[p]: the transposing copy behind packA
// (no transpose) and packB (transposed). Rows go six or four at a time so
// each k step is one bounds check, a few loads and stores, rather than a
// pass over the destination per row.
func gatherRows(d []float32, stride int, src []float32, ld, off, n, kc int) {
	if n == stride {
		// Whole panels (MR = 6 or 24, NR = 16): eight k steps at a time
		// through an in-register transpose, the rest below.
		done := transposeBlocks(d, n, src, ld, off, kc)
		if done == kc {
			return
		}
		d, off, kc = d[done*stride:], off+done, kc-done
	}
	r := 0
	for ; r+6 <= n; r += 6 {
		o := off + r*ld
		gather6(d[r:], stride, src[o:o+kc], src[o+ld:o+ld+kc], src[o+2*ld:o+2*ld+kc],
			src[o+3*ld:o+3*ld+kc], src[o+4*ld:o+4*ld+kc], src[o+5*ld:o+5*ld+kc])
	}
	for ; r+4 <= n; r += 4 {
		o := off + r*ld
		gather4(d[r:], stride, src[o:o+kc], src[o+ld:o+ld+kc], src[o+2*ld:o+2*ld+kc], src[o+3*ld:o+3*ld+kc])
	}
	for ; r < n; r++ {
		o := off + r*ld
		for p, v := range src[o : o+kc] {
			d[p*stride+r] = v
		}
	}
}

func gather6(d []float32, stride int, s0, s1, s2, s3, s4, s5 []float32) {
	n := len(s0)
	s1, s2, s3, s4, s5 = s1[:n], s2[:n], s3[:n], s4[:n], s5[:n]
	for p := range n {
		q := d[p*stride : p*stride+6]
		q[0], q[1], q[2], q[3], q[4], q[5] = s0[p], s1[p], s2[p], s3[p], s4[p], s5[p]
	}
}

func gather4(d []float32, stride int, s0, s1, s2, s3 []float32) {
	n := len(s0)
	s1, s2, s3 = s1[:n], s2[:n], s3[:n]
	for p := range n {
		q := d[p*stride : p*stride+4]
		q[0], q[1], q[2], q[3] = s0[p], s1[p], s2[p], s3[p]
	}
}

// packB16x4Go packs four adjacent 16-wide panels (panel stride kc*16).
func packB16x4Go(d, s *float32, kc, ldb int) {
	for w := range 4 {
		packB16Go((*float32)(unsafe.Add(unsafe.Pointer(d), 4*w*kc*16)), (*float32)(unsafe.Add(unsafe.Pointer(s), 4*w*16)), kc, ldb)
	}
}
