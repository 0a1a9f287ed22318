package kernels

// convSplit cuts a batch into the chunks one GEMM (or one set of Winograd
// GEMMs) covers. A sample is rows × rowCols columns of the GEMM (output
// rows × OW for im2col, tile rows × tiles per row for Winograd). Small
// samples are grouped, several whole samples per chunk, so that the GEMM
// is wide enough; a sample too large for the scratch budget is cut into
// bands of rows (VGG's first layers would need hundreds of MB of columns
// per sample otherwise). A sample that fits is never cut: a one-sample
// chunk is read and written in place, and the wider its GEMM the better.
//
// The split depends on the geometry alone. A pass that gives each thread a
// run of whole chunks re-cuts it into a multiple of the thread count
// (evenSplit): forward and backward data results do not depend on the cut,
// while a weight gradient's sum order follows it (filterTask).
type convSplit struct {
	n, rows, rowCols int
	nb               int // samples per chunk (whole samples); 1 when parts > 1
	parts            int // bands per sample; 1 when samples are grouped
	chunks           int
	maxCols          int // columns of the widest chunk
}

// chunk is samples [n0, n1), rows [r0, r1) of each.
type chunk struct{ n0, n1, r0, r1 int }

func (c chunk) samples() int { return c.n1 - c.n0 }

// newSplit groups samples into chunks of at most group columns, or, for
// samples wider than that, makes one chunk per sample cut into bands of at
// most band columns (but at least one row). Chunks are balanced so that
// none is much smaller than the others.
func newSplit(n, rows, rowCols, group, band int) convSplit {
	s := convSplit{n: n, rows: rows, rowCols: rowCols}
	per := rows * rowCols
	if per <= group {
		s.parts = 1
		s.chunks = divUp(n, max(1, group/per))
		s.nb = divUp(n, s.chunks)
		s.maxCols = s.nb * per
		return s
	}
	s.nb = 1
	s.parts = divUp(rows, max(1, band/rowCols))
	s.chunks = n * s.parts
	s.maxCols = divUp(rows, s.parts) * rowCols
	return s
}

func (s convSplit) chunk(i int) chunk {
	if s.parts > 1 {
		n, p := i/s.parts, i%s.parts
		return chunk{n, n + 1, p * s.rows / s.parts, (p + 1) * s.rows / s.parts}
	}
	return chunk{i * s.n / s.chunks, (i + 1) * s.n / s.chunks, 0, s.rows}
}

// cols is the chunk's GEMM columns; sampleCols those of one of its samples.
func (s convSplit) cols(c chunk) int       { return c.samples() * s.sampleCols(c) }
func (s convSplit) sampleCols(c chunk) int { return (c.r1 - c.r0) * s.rowCols }

// divUp is ceil(a/b) for a >= 0, b > 0.
func divUp(a, b int) int { return (a + b - 1) / b }

// lineCols is the row stride of a chunk matrix of n columns that the GEMM
// reads as B: n rounded up to 16 floats, so that every row starts on a
// 64-byte line and the AVX-512 GEMM reads B in place instead of packing it
// (kernels/internal/gemm lineAligned). The columns past n are never read:
// the GEMM's tile grid and K blocking do not depend on the stride, so the
// results are the same bits as with stride n.
func lineCols(n int) int {
	if !padLines {
		return n
	}
	return divUp(n, 16) * 16
}

// padLines is a variable only so that tests can compare against the
// unpadded layout.
var padLines = true
