package kernels

import "math"

// poolRows finds the argmax of every 2x2 or 3x3 max-pooling window of one
// plane in two separable passes over integer keys (poolKey):
//
//   - across: for each input row, each window's first maximum along the
//     row (key and plane index), computed once and kept in a ring of three
//     rows, because with stride 1 or 2 the next output row's windows reuse
//     one or two of the same input rows;
//   - down: for each output row, the rows' maxima compared top to bottom,
//     replacing only on a strictly greater key.
//
// The first strict maximum of each row, then the first row holding a
// strictly greater one, is exactly the first maximum of a row-major scan,
// so the result is PoolGeom.argmax's bit for bit.
//
// Padding: a row is laid out with padKey (below every real key) at the
// columns outside the input, so a padded column never wins. Rows outside
// the input are replaced by the nearest row inside the window (as PyTorch
// clips the window): the repeat ties with its neighbour and so never moves
// the first maximum.
type poolRows struct {
	x    []uint32               // the plane's float bits
	held [3]int                 // input row in each ring slot, -1 when none
	key  [3][poolMaxW + 1]int32 // per slot: each window's best key along the row
	at   [3][poolMaxW + 1]int32 // and its plane index
	row  [poolMaxW + 8]int32    // one row's keys with padding
	out  [poolMaxW + 1]int32    // one output row's argmax indices
}

// poolMaxW is the widest plane poolRows takes; wider planes use the row
// kernels. OW <= W+1 for windows of 2 or 3 with padding at most
// half the window.
const poolMaxW = 512

// padKey is below the key of every float, -inf included.
const padKey = math.MinInt32

// start begins a new plane.
func (s *poolRows) start(xb []uint32) {
	s.x = xb
	s.held = [3]int{-1, -1, -1}
}

// windows returns the plane indices of output row oh's window maxima.
func (s *poolRows) windows(g *PoolGeom, oh int) []int32 {
	h0 := oh*g.SH - g.PH
	lo, hi := max(h0, 0), min(h0+g.KH, g.H)-1
	r0, r1 := min(max(h0, lo), hi), min(max(h0+1, lo), hi)
	k0, a0 := s.across(g, r0)
	k1, a1 := s.across(g, r1)
	out := s.out[:len(k0)]
	a1, k1 = a1[:len(k0)], k1[:len(k0)]
	if g.KH == 2 {
		for j, k := range k0 {
			i, i1 := a0[j], a1[j]
			if k1[j] > k {
				i = i1
			}
			out[j] = i
		}
		return out
	}
	k2, a2 := s.across(g, min(max(h0+2, lo), hi))
	a2, k2 = a2[:len(k0)], k2[:len(k0)]
	for j, k := range k0 {
		// Candidates loaded before comparing: a load inside the if would
		// make it a branch instead of a conditional move.
		i, i1, i2 := a0[j], a1[j], a2[j]
		if t := k1[j]; t > k {
			k, i = t, i1
		}
		if k2[j] > k {
			i = i2
		}
		out[j] = i
	}
	return out
}

// across returns input row r's per-window maxima along the row (keys and
// plane indices), computing them unless the ring holds them.
func (s *poolRows) across(g *PoolGeom, r int) (keys, at []int32) {
	slot := r % 3
	keys, at = s.key[slot][:g.OW], s.at[slot][:g.OW]
	if s.held[slot] == r {
		return keys, at
	}
	s.held[slot] = r
	// The padded row: PW pad keys, the row's keys, then pad keys up to the
	// last window's end (a ceil-mode window may reach past the padding).
	n := (g.OW-1)*g.SW + g.KW
	row := s.row[:max(n, g.PW+g.W)]
	for j := range g.PW {
		row[j] = padKey
	}
	for j, b := range s.x[r*g.W : (r+1)*g.W] {
		row[g.PW+j] = poolKey(b)
	}
	for j := g.PW + g.W; j < len(row); j++ {
		row[j] = padKey
	}
	base := int32(r*g.W - g.PW) // plane index of padded column 0
	switch {
	case g.KW == 3 && g.SW == 1:
		c0, c1 := row[0], row[1]
		for j := range keys {
			c2 := row[j+2]
			k, p := c0, j
			if c1 > k {
				k, p = c1, j+1
			}
			if c2 > k {
				k, p = c2, j+2
			}
			keys[j], at[j] = k, base+int32(p)
			c0, c1 = c1, c2
		}
	case g.KW == 3:
		for j := range keys {
			c := j * g.SW
			w := row[c : c+3 : c+3]
			k, p := w[0], c
			if w[1] > k {
				k, p = w[1], c+1
			}
			if w[2] > k {
				k, p = w[2], c+2
			}
			keys[j], at[j] = k, base+int32(p)
		}
	default: // 2 wide
		for j := range keys {
			c := j * g.SW
			w := row[c : c+2 : c+2]
			k, p := w[0], c
			if w[1] > k {
				k, p = w[1], c+1
			}
			keys[j], at[j] = k, base+int32(p)
		}
	}
	return keys, at
}
