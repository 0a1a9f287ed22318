package tensorio

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode"

	"github.com/netc/netc/internal/userfile"
)

// maxNPYHeader caps the header; np.load itself refuses more than 10,000
// bytes by default, we allow v2.0 headers up to 1 MiB.
const maxNPYHeader = 1 << 20

// ReadNPY reads a '<f4' C-order .npy file: its shape and values.
func ReadNPY(path string) ([]int, []float32, error) {
	return readNPYFile(path, DecodeNPY)
}

// DecodeNPY is ReadNPY for a stream. When r has a Len or Size method its
// size bounds allocation; otherwise memory follows the bytes read.
func DecodeNPY(r io.Reader) ([]int, []float32, error) {
	s := newSizedReader(r, streamSize(r))
	shape, descr, count, err := readNPYHeader(s)
	if err != nil {
		return nil, nil, err
	}
	if descr != "<f4" {
		return nil, nil, fmt.Errorf("dtype %q not supported, expected '<f4' (little-endian float32)", short(descr))
	}
	data, err := readNPYData(s, count, 4, appendFloat32LE)
	return shape, data, err
}

// ReadNPYInts reads a '<i4' or '<i8' C-order .npy file (labels, indices).
func ReadNPYInts(path string) ([]int, []int64, error) {
	return readNPYFile(path, DecodeNPYInts)
}

// DecodeNPYInts is ReadNPYInts for a stream.
func DecodeNPYInts(r io.Reader) ([]int, []int64, error) {
	s := newSizedReader(r, streamSize(r))
	shape, descr, count, err := readNPYHeader(s)
	if err != nil {
		return nil, nil, err
	}
	var data []int64
	switch descr {
	case "<i8":
		data, err = readNPYData(s, count, 8, appendInt64LE)
	case "<i4":
		data, err = readNPYData(s, count, 4, appendInt32LE)
	default:
		return nil, nil, fmt.Errorf("dtype %q not supported, expected '<i4' or '<i8' (little-endian integers)", short(descr))
	}
	return shape, data, err
}

func readNPYFile[T any](path string, decode func(io.Reader) ([]int, []T, error)) ([]int, []T, error) {
	f, err := userfile.Open(path)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	// *os.File has no Size method: wrap it so the size bounds allocation.
	info, err := f.Stat()
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", path, err)
	}
	shape, data, err := decode(io.NewSectionReader(f, 0, info.Size()))
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", path, err)
	}
	return shape, data, nil
}

func readNPYData[T any](s *sizedReader, count int64, size int, decode func([]T, []byte) []T) ([]T, error) {
	if s.remaining >= 0 && s.remaining != count*int64(size) {
		return nil, fmt.Errorf("data holds %d bytes, shape needs %d", s.remaining, count*int64(size))
	}
	data, err := readLE(s, count, size, decode)
	if err != nil {
		return nil, err
	}
	if err := s.atEOF(); err != nil {
		return nil, err
	}
	return data, nil
}

// readNPYHeader checks the magic and version and parses the dict; it
// returns the shape, the dtype descriptor and the element count.
func readNPYHeader(s *sizedReader) ([]int, string, int64, error) {
	var pre [8]byte
	if err := s.readFull(pre[:]); err != nil || string(pre[:6]) != npyMagic {
		return nil, "", 0, fmt.Errorf("not a .npy file: expected the magic %q", npyMagic)
	}
	var hlen uint32
	switch major, minor := pre[6], pre[7]; {
	case minor != 0 || major < 1 || major > 3:
		return nil, "", 0, fmt.Errorf(".npy version %d.%d not supported (1.0, 2.0 or 3.0)", major, minor)
	case major == 1:
		var b [2]byte
		if err := s.readFull(b[:]); err != nil {
			return nil, "", 0, errors.New("truncated header length")
		}
		hlen = uint32(binary.LittleEndian.Uint16(b[:]))
	default:
		var b [4]byte
		if err := s.readFull(b[:]); err != nil {
			return nil, "", 0, errors.New("truncated header length")
		}
		hlen = binary.LittleEndian.Uint32(b[:])
	}
	if hlen > maxNPYHeader {
		return nil, "", 0, fmt.Errorf("header length %d exceeds the %d-byte limit", hlen, maxNPYHeader)
	}
	if err := s.expect(int64(hlen), "header"); err != nil {
		return nil, "", 0, err
	}
	header, err := io.ReadAll(io.LimitReader(s.r, int64(hlen)))
	if err != nil {
		return nil, "", 0, err
	}
	if s.remaining >= 0 {
		s.remaining -= int64(len(header))
	}
	if len(header) != int(hlen) {
		return nil, "", 0, fmt.Errorf("truncated: header length %d, file holds %d bytes after it", hlen, len(header))
	}
	descr, fortran, shape, err := parseNPYDict(string(header))
	if err != nil {
		return nil, "", 0, fmt.Errorf("header %q: %w", truncate(header), err)
	}
	if fortran && len(shape) > 1 {
		return nil, "", 0, errors.New("fortran_order arrays not supported (save with np.ascontiguousarray)")
	}
	size := int64(4)
	if strings.HasSuffix(descr, "8") {
		size = 8
	}
	nbytes, err := checkedBytes(shape, uint64(size))
	if err != nil {
		return nil, "", 0, err
	}
	return shapeInt(shape), descr, nbytes / size, nil
}

// parseNPYDict parses the header's Python dict literal: exactly the keys
// descr (a string), fortran_order (True/False) and shape (a tuple of
// integers), in any order, with optional trailing commas.
func parseNPYDict(src string) (descr string, fortran bool, shape []int64, err error) {
	p := &pyParser{src: src}
	if !p.eat('{') {
		return "", false, nil, errors.New("expected '{'")
	}
	seen := map[string]bool{}
	for !p.eat('}') {
		key, err := p.str()
		if err != nil {
			return "", false, nil, err
		}
		if seen[key] {
			return "", false, nil, fmt.Errorf("key %q appears twice", short(key))
		}
		seen[key] = true
		if !p.eat(':') {
			return "", false, nil, fmt.Errorf("expected ':' after %q", short(key))
		}
		switch key {
		case "descr":
			descr, err = p.str()
		case "fortran_order":
			fortran, err = p.boolean()
		case "shape":
			shape, err = p.tuple()
		default:
			return "", false, nil, fmt.Errorf("unexpected key %q", short(key))
		}
		if err != nil {
			return "", false, nil, fmt.Errorf("%s: %w", key, err)
		}
		if !p.eat(',') && !p.peek('}') {
			return "", false, nil, errors.New("expected ',' or '}'")
		}
	}
	if len(seen) != 3 {
		return "", false, nil, errors.New("expected the keys 'descr', 'fortran_order' and 'shape'")
	}
	if rest := strings.TrimSpace(src[p.pos:]); rest != "" {
		return "", false, nil, fmt.Errorf("unexpected %q after the dict", short(rest))
	}
	return descr, fortran, shape, nil
}

// pyParser reads the few Python literals a .npy header uses.
type pyParser struct {
	src string
	pos int
}

func (p *pyParser) skipSpace() {
	for p.pos < len(p.src) && unicode.IsSpace(rune(p.src[p.pos])) {
		p.pos++
	}
}

func (p *pyParser) peek(c byte) bool {
	p.skipSpace()
	return p.pos < len(p.src) && p.src[p.pos] == c
}

func (p *pyParser) eat(c byte) bool {
	if p.peek(c) {
		p.pos++
		return true
	}
	return false
}

// str reads a quoted string without escapes (numpy's keys and dtype codes
// never contain any).
func (p *pyParser) str() (string, error) {
	p.skipSpace()
	if p.pos >= len(p.src) || (p.src[p.pos] != '\'' && p.src[p.pos] != '"') {
		return "", errors.New("expected a quoted string")
	}
	quote := p.src[p.pos]
	end := strings.IndexByte(p.src[p.pos+1:], quote)
	if end < 0 {
		return "", errors.New("unterminated string")
	}
	s := p.src[p.pos+1 : p.pos+1+end]
	if strings.ContainsRune(s, '\\') {
		return "", errors.New("escapes in strings not supported")
	}
	p.pos += end + 2
	return s, nil
}

func (p *pyParser) boolean() (bool, error) {
	p.skipSpace()
	for word, v := range map[string]bool{"True": true, "False": false} {
		if strings.HasPrefix(p.src[p.pos:], word) {
			p.pos += len(word)
			return v, nil
		}
	}
	return false, errors.New("expected True or False")
}

func (p *pyParser) tuple() ([]int64, error) {
	if !p.eat('(') {
		return nil, errors.New("expected '('")
	}
	shape := []int64{}
	for !p.eat(')') {
		p.skipSpace()
		start := p.pos
		for p.pos < len(p.src) && p.src[p.pos] >= '0' && p.src[p.pos] <= '9' {
			p.pos++
		}
		if start == p.pos {
			return nil, errors.New("expected a non-negative integer")
		}
		d, err := strconv.ParseInt(p.src[start:p.pos], 10, 64)
		if err != nil {
			return nil, fmt.Errorf("dimension %s does not fit in 64 bits", p.src[start:p.pos])
		}
		shape = append(shape, d)
		if !p.eat(',') && !p.peek(')') {
			return nil, errors.New("expected ',' or ')'")
		}
	}
	return shape, nil
}
