// Package idx reads and writes IDX files of unsigned bytes (the format of
// MNIST and Fashion-MNIST), treating every file as hostile: the header is
// checked against the bytes the file can really hold before any allocation.
package idx

import (
	"bufio"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math/bits"
	"slices"

	"github.com/netc/netc/internal/userfile"
)

// The IDX format (LeCun's MNIST page): two zero bytes, a type code, the
// number of dimensions, one big-endian uint32 per dimension, then the
// elements in row-major order. Fashion-MNIST reuses it unchanged.
const (
	typeUbyte = 0x08
	// MaxDim bounds each dimension so that a hostile header is rejected
	// before any arithmetic; 16M is far above MNIST's 60,000 × 28 × 28.
	MaxDim = 1 << 24
	// MaxBytes bounds the payload a header may announce (4 GiB).
	MaxBytes = 1 << 32
	// deflateMaxRatio is deflate's worst-case expansion (a 258-byte match
	// coded in about two bits), so a gzip file of n bytes decompresses to
	// at most about n×1032 bytes: the cap for trusting its header.
	deflateMaxRatio = 1032
	// unknownSizeChunk is the first allocation when the input's size is
	// unknown; the buffer then grows only as real bytes arrive.
	unknownSizeChunk = 1 << 20
)

// File is a decoded IDX file of unsigned bytes.
type File struct {
	Dims []int  // sizes, outermost first
	Data []byte // product(Dims) bytes, row-major
}

// ReadFile reads an IDX file of unsigned bytes with wantDims dimensions,
// raw or gzip-compressed (detected by its magic, not by its name).
func ReadFile(path string, wantDims int) (*File, error) {
	f, err := userfile.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return decodeIDX(f, path, wantDims, info.Size())
}

// Decode is ReadFile for a stream; name is used in error messages.
// When r has a Len or Size method (bytes.Reader, strings.Reader), it bounds
// the allocation; otherwise memory grows only with the bytes actually read.
func Decode(r io.Reader, name string, wantDims int) (*File, error) {
	return decodeIDX(r, name, wantDims, streamSize(r))
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

func decodeIDX(r io.Reader, name string, wantDims int, size int64) (*File, error) {
	br := bufio.NewReader(r)
	var src io.Reader = br
	// maxPayload is the most the input could expand to; -1 when unknown.
	maxPayload := size
	if magic, _ := br.Peek(2); len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, fmt.Errorf("%s: gzip: %w", name, err)
		}
		defer zr.Close()
		src = zr
		if size >= 0 {
			maxPayload = size * deflateMaxRatio
		}
	}
	idx, err := readIDX(src, wantDims, maxPayload)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return idx, nil
}

// readIDX parses a decompressed IDX stream; maxPayload (or -1) is an upper
// bound on the stream's length, used to refuse or bound allocations.
func readIDX(r io.Reader, wantDims int, maxPayload int64) (*File, error) {
	var magic [4]byte
	if n, err := io.ReadFull(r, magic[:]); err != nil {
		return nil, fmt.Errorf("truncated header: expected 4 bytes of magic, found %d", n)
	}
	wantMagic := uint32(typeUbyte)<<8 | uint32(wantDims)
	if magic[0] != 0 || magic[1] != 0 {
		return nil, fmt.Errorf("bad magic 0x%08x: not an IDX file (expected 0x%08x)", binary.BigEndian.Uint32(magic[:]), wantMagic)
	}
	if magic[2] != typeUbyte {
		return nil, fmt.Errorf("element type 0x%02x not supported (expected 0x%02x, unsigned byte)", magic[2], typeUbyte)
	}
	if int(magic[3]) != wantDims {
		return nil, fmt.Errorf("%d dimensions, expected %d (%s)", magic[3], wantDims, kind(wantDims))
	}
	raw := make([]byte, 4*wantDims)
	if n, err := io.ReadFull(r, raw); err != nil {
		return nil, fmt.Errorf("truncated header: expected %d bytes of dimension sizes, found %d", len(raw), n)
	}
	dims := make([]int, wantDims)
	for i := range dims {
		dims[i] = int(binary.BigEndian.Uint32(raw[4*i:]))
	}
	total, err := checkedProduct(dims, MaxDim, MaxBytes)
	if err != nil {
		return nil, err
	}
	want := int64(total)
	header := int64(4 + len(raw))
	if maxPayload >= 0 && want > maxPayload-header {
		return nil, fmt.Errorf("truncated: dimensions %v announce %d bytes of data, the file cannot hold more than %d",
			dims, want, max(maxPayload-header, 0))
	}
	data, err := readExactly(r, want, maxPayload-header)
	if err != nil {
		return nil, fmt.Errorf("dimensions %v: %w", dims, err)
	}
	return &File{Dims: dims, Data: data}, nil
}

// readExactly reads want bytes and checks that the stream ends right after
// them. bound (negative when unknown) caps the first allocation, so a lying
// header cannot make us allocate what the stream lacks: past it, the buffer
// only grows as real bytes arrive.
func readExactly(r io.Reader, want, bound int64) ([]byte, error) {
	size := want
	if bound < 0 {
		size = min(want, unknownSizeChunk)
	} else {
		size = min(want, bound)
	}
	buf := make([]byte, size)
	n := 0
	for int64(n) < want {
		if n == len(buf) {
			buf = slices.Grow(buf, int(min(want, 2*int64(len(buf)))-int64(len(buf))))
			buf = buf[:cap(buf)]
		}
		m, err := r.Read(buf[n:min(len(buf), int(want))])
		n += m
		if err == io.EOF {
			break
		}
		if err != nil {
			if errors.Is(err, io.ErrUnexpectedEOF) {
				return nil, fmt.Errorf("truncated: expected %d bytes of data, found %d before the stream broke off", want, n)
			}
			return nil, err
		}
	}
	if int64(n) < want {
		return nil, fmt.Errorf("truncated: expected %d bytes of data, found %d", want, n)
	}
	// One more read must hit EOF: no trailing bytes, and for gzip this is
	// the read that verifies the CRC.
	var one [1]byte
	switch m, err := io.ReadFull(r, one[:]); {
	case m > 0:
		return nil, fmt.Errorf("trailing data: expected %d bytes of data, found more", want)
	case err != io.EOF:
		return nil, err
	}
	return buf[:want], nil
}

func kind(dims int) string {
	switch dims {
	case 1:
		return "labels, idx1-ubyte"
	case 3:
		return "images, idx3-ubyte"
	}
	return fmt.Sprintf("idx%d-ubyte", dims)
}

// Encode writes an IDX file of unsigned bytes (uncompressed); callers
// wrap w in gzip when they want the compact form.
func Encode(w io.Writer, f *File) error {
	if len(f.Dims) > 255 {
		return fmt.Errorf("IDX: %d dimensions, at most 255", len(f.Dims))
	}
	total, err := checkedProduct(f.Dims, MaxDim, MaxBytes)
	if err != nil {
		return fmt.Errorf("IDX: %w", err)
	}
	if total != uint64(len(f.Data)) {
		return fmt.Errorf("IDX: dimensions %v need %d bytes, data has %d", f.Dims, total, len(f.Data))
	}
	header := []byte{0, 0, typeUbyte, byte(len(f.Dims))}
	for _, d := range f.Dims {
		header = binary.BigEndian.AppendUint32(header, uint32(d))
	}
	if _, err := w.Write(header); err != nil {
		return err
	}
	_, err = w.Write(f.Data)
	return err
}

// checkedProduct multiplies dims, refusing any dimension outside
// [0, maxDim] and any product above maxTotal, without ever overflowing.
func checkedProduct(dims []int, maxDim int, maxTotal uint64) (uint64, error) {
	total := uint64(1)
	for i, d := range dims {
		if d < 0 || d > maxDim {
			return 0, fmt.Errorf("dimension %d is %d, outside [0, %d]", i, d, maxDim)
		}
		hi, lo := bits.Mul64(total, uint64(d))
		if hi != 0 || lo > maxTotal {
			return 0, fmt.Errorf("dimensions %v announce more than %d bytes", dims, maxTotal)
		}
		total = lo
	}
	return total, nil
}
