package gemm

import "unsafe"

// Epilogue is applied to each tile of C while it is still in registers or
// L1, after the last K block has been accumulated:
//
//	C[i][j] = act(alpha*op(A)op(B)[i][j] + beta*C[i][j] + RowBias[i] + ColBias[j] + Residual[i*LdResidual+j])
//
// Zero value: plain GEMM. Conv as GEMM (C = W x col, output channels as rows)
// wants RowBias; a linear layer (y = x W^T) wants ColBias; a ResNet block's
// last conv wants Residual and ReLU.
type Epilogue struct {
	RowBias    []float32 // len >= m, or nil
	ColBias    []float32 // len >= n, or nil
	Residual   []float32 // m x n with row stride LdResidual, or nil; may not alias C
	LdResidual int
	ReLU       bool // max(x, 0); NaN stays NaN
}

func (e *Epilogue) flags() uint64 {
	var f uint64
	if e.RowBias != nil {
		f |= flagRowBias
	}
	if e.ColBias != nil {
		f |= flagColBias
	}
	if e.Residual != nil {
		f |= flagRes
	}
	if e.ReLU {
		f |= flagReLU
	}
	return f
}

// finishTile is the Go version of the kernels' store phase, for tiles that
// went through a scratch buffer and for the pure-Go kernel. src holds
// alpha*AB with row stride srcStride; mr x nr results go to c.
func finishTile(src *float32, srcStride, mr, nr int, c *float32, ldc int, p *tileArgs) {
	f := p.flags
	for r := range mr {
		s := unsafe.Slice((*float32)(unsafe.Add(unsafe.Pointer(src), 4*r*srcStride)), nr)
		d := unsafe.Slice((*float32)(unsafe.Add(unsafe.Pointer(c), 4*r*ldc)), nr)
		var rb float32
		if f&flagRowBias != 0 {
			rb = *(*float32)(unsafe.Add(unsafe.Pointer(p.rowBias), 4*r))
		}
		var cb, res []float32
		if f&flagColBias != 0 {
			cb = unsafe.Slice(p.colBias, nr)
		}
		if f&flagRes != 0 {
			res = unsafe.Slice((*float32)(unsafe.Add(unsafe.Pointer(p.res), 4*r*p.ldr)), nr)
		}
		for j := range d {
			v := s[j]
			if f&flagBeta != 0 {
				v += p.beta * d[j]
			}
			if f&flagRowBias != 0 {
				v += rb
			}
			if cb != nil {
				v += cb[j]
			}
			if res != nil {
				v += res[j]
			}
			if f&flagReLU != 0 && v < 0 {
				v = 0
			}
			d[j] = v
		}
	}
}

// scaleC handles k == 0 or alpha == 0, where no product is computed:
// C = beta*C (exactly 0 when beta == 0) followed by the epilogue.
func scaleC(m, n int, beta float32, c []float32, ldc int, ep *Epilogue) {
	p := tileArgs{beta: beta, flags: ep.flags(), ldr: ep.LdResidual}
	if beta != 0 {
		p.flags |= flagBeta
	}
	var zero [maxNR]float32
	for i := range m {
		if ep.RowBias != nil {
			p.rowBias = &ep.RowBias[i]
		}
		for j := 0; j < n; j += maxNR {
			nr := min(maxNR, n-j)
			if ep.ColBias != nil {
				p.colBias = &ep.ColBias[j]
			}
			if ep.Residual != nil {
				p.res = &ep.Residual[i*ep.LdResidual+j]
			}
			finishTile(&zero[0], 0, 1, nr, &c[i*ldc+j], ldc, &p)
		}
	}
}
