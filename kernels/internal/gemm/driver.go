package gemm

import "unsafe"

// gemmArgs is one validated call, shared read-only by all threads.
type gemmArgs struct {
	ks             *kernelSet
	transA, transB bool
	m, n, k        int
	alpha, beta    float32
	a              []float32 // nil when pa is set
	lda            int
	pa             *PackedA
	b              []float32
	ldb            int
	c              []float32
	ldc            int
	ep             Epilogue
}

// workCtx is one thread's packing buffers. They grow to the largest block
// seen and are then reused, so steady-state calls do not allocate.
type workCtx struct {
	abuf, bbuf []float32
	scratch    [maxMR * maxNR]float32
	// Tile arguments live here, not on the stack: they are passed through a
	// func value, which escape analysis cannot see through, so a local
	// would be heap-allocated on every call.
	t, st tileArgs
}

func grow(buf []float32, n int) []float32 {
	if cap(buf) < n {
		return make([]float32, n)
	}
	return buf[:n]
}

// run computes the block C[i0:i1, j0:j1] with the Goto/BLIS loop nest:
//
//	jc: N in blocks of NC        (packed B block lives in L3)
//	  pc: K in blocks of KC      pack B block KC x NC
//	    ic: M in blocks of MC    pack A block MC x KC (lives in L2)
//	      jr: NR micro-panels of B (one stays in L1 for the ir loop)
//	        ir: MR micro-panels of A -> micro-kernel
//
// i0 is a multiple of MR and j0 of NR (see partition), so the tile grid,
// the K blocking and hence every rounding step are the same whatever the
// thread count: results are bitwise identical for 1 or T threads.
func (w *workCtx) run(g *gemmArgs, i0, i1, j0, j1 int) {
	ks := g.ks
	MR, NR := ks.mr, ks.nr
	kcMax := min(ks.kc, g.k)
	// With a single M block each B micro-panel is used by one pass of the
	// ir loop only, so it is packed just before that pass into a small
	// buffer (fused) instead of packing the whole KC x NC block to L3 and
	// reading it back: for conv shapes (small M, huge N) that round trip
	// cost as much as the arithmetic.
	fused := i1-i0 <= ks.mc
	if fused {
		w.bbuf = grow(w.bbuf, fusedPanels*kcMax*NR)
	} else {
		w.bbuf = grow(w.bbuf, kcMax*roundUp(min(ks.nc, j1-j0), NR))
	}
	if g.pa == nil {
		w.abuf = grow(w.abuf, kcMax*roundUp(min(ks.mc, i1-i0), MR))
	}
	for jc := j0; jc < j1; jc += ks.nc {
		nc := min(ks.nc, j1-jc)
		for pc := 0; pc < g.k; pc += ks.kc {
			kc := min(ks.kc, g.k-pc)
			if !fused {
				packB(w.bbuf, NR, g.transB, g.b, g.ldb, pc, kc, jc, nc)
			}
			for ic := i0; ic < i1; ic += ks.mc {
				mc := min(ks.mc, i1-ic)
				var ablk unsafe.Pointer
				if g.pa != nil {
					ablk = at(g.pa.data, g.pa.blockOffset(pc, ic))
				} else {
					packA(w.abuf, MR, g.transA, g.a, g.lda, ic, mc, pc, kc)
					ablk = at(w.abuf, 0)
				}
				w.macro(g, ablk, ic, mc, jc, nc, pc, kc, fused)
			}
		}
	}
}

// fusedPanels B micro-panels are packed together in the fused path: four
// 16-wide panels read 256 contiguous bytes per source row (see packB16x4)
// and, at 64 KiB for KC=256, still sit in L2.
const fusedPanels = 4

// macro runs the micro-kernel over one packed A block and B block.
// With fused, B micro-panels are packed here, fusedPanels at a time, right
// before their use, or, when the kernel set can and B's rows lie on cache
// lines, not packed at all: each is used by only ceil(mc/MR) A panels, too
// few to pay for the copy.
func (w *workCtx) macro(g *gemmArgs, ablk unsafe.Pointer, ic, mc, jc, nc, pc, kc int, fused bool) {
	ks := g.ks
	MR, NR := ks.mr, ks.nr
	first, last := pc == 0, pc+kc == g.k
	t := &w.t
	*t = tileArgs{alpha: g.alpha}
	t.beta = 1 // later K blocks accumulate onto the partial C
	if first {
		t.beta = g.beta
	}
	if t.beta != 0 {
		t.flags |= flagBeta
	}
	ep := &g.ep
	if last {
		t.flags |= ep.flags()
		t.ldr = ep.LdResidual
	}
	inPlace := fused && ks.inPlaceB != nil && !g.transB && lineAligned(g.b, g.ldb) && spreadOverL1(g.ldb)
	t.ldb = g.ldb
	for jr := 0; jr < nc; jr += NR {
		nr := min(NR, nc-jr)
		j := jc + jr
		var bp *float32
		fns := ks.fns
		switch {
		case inPlace && nr == NR:
			bp, fns = (*float32)(at(g.b, pc*g.ldb+j)), ks.inPlaceB
		case inPlace:
			// The ragged right panel: its NR-wide rows would read past
			// B's last column, so it is packed (zero-filled).
			packB(w.bbuf, NR, false, g.b, g.ldb, pc, kc, j, nr)
			bp = (*float32)(at(w.bbuf, 0))
		case fused:
			slot := jr / NR % fusedPanels
			if slot == 0 {
				packB(w.bbuf, NR, g.transB, g.b, g.ldb, pc, kc, j, min(fusedPanels*NR, nc-jr))
			}
			bp = (*float32)(at(w.bbuf, slot*kc*NR))
		default:
			bp = (*float32)(at(w.bbuf, jr*kc))
		}
		if t.flags&flagColBias != 0 {
			t.colBias = &ep.ColBias[j]
		}
		for ir := 0; ir < mc; ir += MR {
			mr := min(MR, mc-ir)
			ap := (*float32)(unsafe.Add(ablk, 4*ir*kc))
			i := ic + ir
			if t.flags&flagRowBias != 0 {
				t.rowBias = &ep.RowBias[i]
			}
			if t.flags&flagRes != 0 {
				t.res = &ep.Residual[i*ep.LdResidual+j]
			}
			c := (*float32)(at(g.c, i*g.ldc+j))
			if nr == NR {
				fns[mr](kc, ap, bp, c, g.ldc, t)
				continue
			}
			// Right edge: full-width tile into scratch, then the valid
			// columns through the Go store phase.
			w.st = tileArgs{alpha: g.alpha}
			ks.fns[mr](kc, ap, bp, &w.scratch[0], NR, &w.st)
			finishTile(&w.scratch[0], NR, mr, nr, c, g.ldc, t)
		}
	}
}

// lineAligned reports whether every row of b (row stride ld floats)
// starts on a 64-byte cache line, so that each 16-float row of a B micro-
// panel is one line. Read in place, a panel whose rows straddle two lines
// costs twice the lines and L1 capacity its packed copy would: on Zen 4,
// thread CPU time, in-place B gained 2-24% on aligned one-M-block products
// (32x576x1440: 84 -> 104 GFLOP/s) and lost up to 7% on unaligned ones
// (ld = 676).
func lineAligned(b []float32, ld int) bool {
	return ld%16 == 0 && uintptr(unsafe.Pointer(unsafe.SliceData(b)))%64 == 0
}

// spreadOverL1 reports whether the rows of a B panel read in place (row
// stride ld floats, line aligned) fall in enough L1 sets to stay there.
// Rows ld*4 bytes apart use 64/gcd(ld/16, 64) of a 32 KiB 8-way L1's 64
// sets; at ld%128 == 0 that is 8 sets or fewer, 64 lines for a 256-row
// panel, which then comes from L2 for every A panel. On Zen 3 (AVX2, thread
// CPU time) in place lost 35% at ld = 1024 (one set) and 13% at ld = 2304
// (4 sets), and gained up to 14% at ld = 576 and 1440 (16 and 32 sets).
func spreadOverL1(ld int) bool { return ld%128 != 0 }

func roundUp(x, m int) int { return (x + m - 1) / m * m }
