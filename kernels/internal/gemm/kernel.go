package gemm

// A micro-kernel computes one MR x NR tile of C:
//
//	AB[r][j] = sum_{p<kc} a[p*MR + r] * b[p*NR + j]     r < mr, j < NR
//	C[r*ldc + j] = epilogue(alpha*AB[r][j] + beta*C[r*ldc + j])
//
// a is a packed MR x kc micro-panel (k-major, MR floats per k step), b a
// packed kc x NR micro-panel (NR floats per k step). A kernel variant exists
// for every row count mr = 1..MR so a ragged bottom panel needs no scratch;
// only a ragged right edge (nr < NR) goes through a scratch tile.
type kfunc func(kc int, a, b, c *float32, ldc int, p *tileArgs)

// tileArgs carries the per-tile scalars and epilogue pointers. Its layout is
// read by the assembly kernels (offsets in asmgen/main.go, checked by
// TestTileArgsLayout).
type tileArgs struct {
	alpha, beta float32
	flags       uint64
	rowBias     *float32 // rowBias[r] for the tile's rows
	colBias     *float32 // colBias[j] for the tile's columns
	res         *float32 // residual tile, row stride ldr
	ldr         int
	ldb         int // row stride of B for the kernels that read it in place (kernelSet.inPlaceB)
}

// tileArgs.flags bits.
const (
	flagBeta    = 1 << iota // beta != 0: C is read; otherwise it is only written
	flagRowBias             // C += rowBias[r]
	flagColBias             // C += colBias[j]
	flagRes                 // C += res[r*ldr+j]
	flagReLU                // C = max(C, 0), NaN kept
)

// kernelSet is one micro-kernel family with the block sizes tuned for it.
type kernelSet struct {
	name   string
	mr, nr int
	// kc: K block, sized so that the kc x NR B micro-panel stays in L1
	// while A micro-panels stream past it.
	// mc: M block, sized so that the packed mc x kc A block sits in L2.
	// nc: N block, sized so that the packed kc x nc B block sits in L3.
	// mc is a multiple of mr and nc of nr.
	kc, mc, nc int
	fns        []kfunc // fns[mr] handles a panel with mr valid rows, 1 <= mr <= MR
	// inPlaceB[mr], when set, is fns[mr] reading a full NR-wide panel of a
	// non-transposed B where it lies (row stride tileArgs.ldb) instead of
	// from a packed copy; see workCtx.macro for when it is used.
	inPlaceB []kfunc
	// smallM, when set, is the set for products of one or two of its full
	// panels (m = smallM.mr or 2*smallM.mr), where this set's tile leaves a
	// ragged panel.
	smallM *kernelSet
}

// forRows is the kernel set for an m-row product.
func (ks *kernelSet) forRows(m int) *kernelSet {
	if s := ks.smallM; s != nil && m%s.mr == 0 && m <= 2*s.mr {
		return s
	}
	return ks
}

// Largest MR and NR of any kernel set; sizes the per-context scratch tile.
const (
	maxMR = 24
	maxNR = 16
)
