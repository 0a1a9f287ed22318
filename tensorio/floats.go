package tensorio

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
)

// chunkBytes is the unit of buffered conversion between bytes and floats.
const chunkBytes = 1 << 16

// sizedReader is a stream that may know how many bytes it has left. A
// header may only announce what a known-size stream holds; an unknown-size
// stream gets memory as bytes actually arrive, so a lying header costs at
// most about twice the input.
type sizedReader struct {
	r         io.Reader
	remaining int64 // -1 when unknown
	buf       [chunkBytes]byte
}

func newSizedReader(r io.Reader, size int64) *sizedReader {
	return &sizedReader{r: r, remaining: size}
}

// streamSize returns how many bytes r holds, or -1 when it cannot tell.
func streamSize(r io.Reader) int64 {
	switch s := r.(type) {
	case interface{ Len() int }:
		return int64(s.Len())
	case interface{ Size() int64 }:
		return s.Size()
	}
	return -1
}

func (s *sizedReader) readFull(p []byte) error {
	n, err := io.ReadFull(s.r, p)
	if s.remaining >= 0 {
		s.remaining -= int64(n)
	}
	return err
}

// expect fails when a known-size stream cannot hold n more bytes.
func (s *sizedReader) expect(n int64, what string) error {
	if s.remaining >= 0 && n > s.remaining {
		return fmt.Errorf("%s needs %d bytes, only %d left in the file", what, n, s.remaining)
	}
	return nil
}

// atEOF checks that nothing follows the last expected byte.
func (s *sizedReader) atEOF() error {
	var one [1]byte
	n, err := io.ReadFull(s.r, one[:])
	if n > 0 {
		return errors.New("trailing bytes after the data")
	}
	if err != io.EOF {
		return err
	}
	return nil
}

// readLE reads n little-endian elements of size bytes each, appending
// each chunk's conversion with decode; allocation follows the bytes read
// unless the stream's size was checked.
func readLE[T any](s *sizedReader, n int64, size int, decode func([]T, []byte) []T) ([]T, error) {
	if err := s.expect(n*int64(size), fmt.Sprintf("%d elements", n)); err != nil {
		return nil, err
	}
	var out []T
	if s.remaining >= 0 {
		out = make([]T, 0, n)
	} else {
		out = make([]T, 0, min(n, chunkBytes))
	}
	per := chunkBytes / size
	for left := n; left > 0; {
		k := int(min(left, int64(per)))
		b := s.buf[:k*size]
		if err := s.readFull(b); err != nil {
			if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
				return nil, fmt.Errorf("truncated: expected %d elements, file ends after %d", n, int64(len(out)))
			}
			return nil, err
		}
		out = decode(out, b)
		left -= int64(k)
	}
	return out, nil
}

// Chunk decoders for readLE: one call per chunk keeps the per-element loop
// free of indirect calls.
func appendFloat32LE(dst []float32, b []byte) []float32 {
	for i := 0; i+4 <= len(b); i += 4 {
		dst = append(dst, math.Float32frombits(binary.LittleEndian.Uint32(b[i:])))
	}
	return dst
}

func appendInt32LE(dst []int64, b []byte) []int64 {
	for i := 0; i+4 <= len(b); i += 4 {
		dst = append(dst, int64(int32(binary.LittleEndian.Uint32(b[i:]))))
	}
	return dst
}

func appendInt64LE(dst []int64, b []byte) []int64 {
	for i := 0; i+8 <= len(b); i += 8 {
		dst = append(dst, int64(binary.LittleEndian.Uint64(b[i:])))
	}
	return dst
}

// writeFloat32s writes data as little-endian float32 through a small buffer.
func writeFloat32s(w io.Writer, data []float32) error {
	var buf [chunkBytes]byte
	for len(data) > 0 {
		k := min(len(data), chunkBytes/4)
		for i, v := range data[:k] {
			binary.LittleEndian.PutUint32(buf[4*i:], math.Float32bits(v))
		}
		if _, err := w.Write(buf[:4*k]); err != nil {
			return err
		}
		data = data[k:]
	}
	return nil
}
