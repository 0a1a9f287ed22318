//go:build !purego && amd64

package kernels

// argmax3s1AVX2 sets idx[i], i < n (n >= 8), to word[i]&0xffff plus the
// offset taps[2t+1] of the first tap t of 3x3 window i, row-major (at
// x[i+(t/3-1)*w+t%3-1]), equal to y[i] and with its validity bits
// taps[2t] all set in word[i]>>16 (see maxForwardArgStack).
//
//go:noescape
func argmax3s1AVX2(n int, x, y *float32, word, idx *int32, w int, taps *int32)
