package tensorio

import (
	"bytes"
	"cmp"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"unicode/utf8"

	"github.com/netc/netc/internal/userfile"
)

// knownDtypes are the safetensors dtypes; netc reads only F32 but names the
// others precisely in its errors.
var knownDtypes = map[string]bool{
	"BOOL": true, "U8": true, "I8": true, "F8_E5M2": true, "F8_E4M3": true,
	"I16": true, "U16": true, "F16": true, "BF16": true, "I32": true,
	"U32": true, "F32": true, "F64": true, "I64": true, "U64": true,
}

// ReadFile reads a safetensors file. Tensors come back in file order
// (sorted by name for files netc wrote); metadata is nil when absent. A
// file that records a checksum (ChecksumKey) must match it; the entry is
// not part of the metadata returned.
func ReadFile(path string) ([]Tensor, map[string]string, error) {
	f, err := userfile.Open(path)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", path, err)
	}
	tensors, meta, err := readSafetensors(newSizedReader(f, info.Size()))
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", path, err)
	}
	return tensors, meta, nil
}

// Read is ReadFile for a stream. When r has a Len or Size method its size
// bounds every allocation up front; otherwise memory follows the bytes read.
func Read(r io.Reader) ([]Tensor, map[string]string, error) {
	return readSafetensors(newSizedReader(r, streamSize(r)))
}

// entry is one tensor of the header, checked.
type entry struct {
	name       string
	shape      []int64
	begin, end int64
}

func readSafetensors(s *sizedReader) ([]Tensor, map[string]string, error) {
	var prefix [8]byte
	if err := s.readFull(prefix[:]); err != nil {
		return nil, nil, errors.New("truncated: expected an 8-byte header length")
	}
	n := binary.LittleEndian.Uint64(prefix[:])
	if n > MaxHeaderBytes {
		return nil, nil, fmt.Errorf("header length %d exceeds the %d-byte limit", n, MaxHeaderBytes)
	}
	if err := s.expect(int64(n), "header"); err != nil {
		return nil, nil, err
	}
	// LimitReader+ReadAll: memory grows with bytes that actually arrive.
	header, err := io.ReadAll(io.LimitReader(s.r, int64(n)))
	if err != nil {
		return nil, nil, err
	}
	if s.remaining >= 0 {
		s.remaining -= int64(len(header))
	}
	if uint64(len(header)) != n {
		return nil, nil, fmt.Errorf("truncated: header length %d, file holds %d bytes after it", n, len(header))
	}
	if !utf8.Valid(header) {
		return nil, nil, errors.New("header is not valid UTF-8")
	}
	entries, meta, err := parseHeader(header)
	if err != nil {
		return nil, nil, fmt.Errorf("header: %w", err)
	}
	sum, err := startChecksum(prefix[:], header, meta)
	if err != nil {
		return nil, nil, fmt.Errorf("header: %w", err)
	}
	if len(meta) == 0 {
		meta = nil
	}
	dataSize, err := checkOffsets(entries)
	if err != nil {
		return nil, nil, err
	}
	if s.remaining >= 0 && s.remaining != dataSize {
		return nil, nil, fmt.Errorf("data section holds %d bytes, tensors need %d", s.remaining, dataSize)
	}
	if sum != nil {
		s.r = io.TeeReader(s.r, sum.h)
	}
	tensors := make([]Tensor, len(entries))
	for i, e := range entries {
		data, err := readLE(s, (e.end-e.begin)/4, 4, appendFloat32LE)
		if err != nil {
			return nil, nil, fmt.Errorf("tensor %q: %w", short(e.name), err)
		}
		tensors[i] = Tensor{Name: e.name, Shape: shapeInt(e.shape), Data: data}
	}
	if err := s.atEOF(); err != nil {
		return nil, nil, err
	}
	if sum != nil {
		if err := sum.verify(); err != nil {
			return nil, nil, err
		}
	}
	return tensors, meta, nil
}

// checkOffsets sorts entries by offset and checks that they tile the data
// section exactly, from 0, without gaps or overlap, each holding
// product(shape)×4 bytes. It returns the data section's size.
func checkOffsets(entries []entry) (int64, error) {
	slices.SortStableFunc(entries, func(a, b entry) int {
		return cmp.Or(cmp.Compare(a.begin, b.begin), cmp.Compare(a.end, b.end))
	})
	next := int64(0)
	for _, e := range entries {
		if e.begin != next || e.end < e.begin {
			return 0, fmt.Errorf("tensor %q: data_offsets [%d, %d], expected to start at %d (offsets must be contiguous and not overlap)",
				short(e.name), e.begin, e.end, next)
		}
		want, err := checkedBytes(e.shape, 4)
		if err != nil {
			return 0, fmt.Errorf("tensor %q: %w", short(e.name), err)
		}
		if got := e.end - e.begin; got != want {
			return 0, fmt.Errorf("tensor %q: data_offsets [%d, %d] hold %d bytes, shape %s of F32 needs %d",
				short(e.name), e.begin, e.end, got, shapeText(e.shape), want)
		}
		next = e.end
	}
	return next, nil
}

// parseHeader walks the JSON header token by token, so that a duplicate
// name is an error rather than silently overwritten as a Go map would.
func parseHeader(header []byte) ([]entry, map[string]string, error) {
	dec := json.NewDecoder(bytes.NewReader(header))
	dec.UseNumber()
	if err := expectDelim(dec, '{', "the header"); err != nil {
		return nil, nil, err
	}
	var entries []entry
	var meta map[string]string
	seen := map[string]bool{}
	for dec.More() {
		name, err := stringToken(dec, "a tensor name")
		if err != nil {
			return nil, nil, err
		}
		if seen[name] {
			return nil, nil, fmt.Errorf("%q appears twice", short(name))
		}
		seen[name] = true
		if name == metadataKey {
			if meta, err = parseMetadata(dec); err != nil {
				return nil, nil, fmt.Errorf("%s: %w", metadataKey, err)
			}
			continue
		}
		e, err := parseEntry(dec, name)
		if err != nil {
			return nil, nil, fmt.Errorf("tensor %q: %w", short(name), err)
		}
		entries = append(entries, e)
	}
	if err := expectDelim(dec, '}', "the end of the header"); err != nil {
		return nil, nil, err
	}
	// Only the padding (spaces, or other JSON whitespace) may follow.
	if rest := bytes.TrimRight(header[dec.InputOffset():], " \t\r\n"); len(rest) > 0 {
		return nil, nil, fmt.Errorf("unexpected %q after the header object", truncate(rest))
	}
	return entries, meta, nil
}

func parseMetadata(dec *json.Decoder) (map[string]string, error) {
	if err := expectDelim(dec, '{', "an object of strings"); err != nil {
		return nil, err
	}
	meta := map[string]string{}
	for dec.More() {
		k, err := stringToken(dec, "a key")
		if err != nil {
			return nil, err
		}
		if _, dup := meta[k]; dup {
			return nil, fmt.Errorf("key %q appears twice", short(k))
		}
		v, err := stringToken(dec, fmt.Sprintf("a string value for %q", short(k)))
		if err != nil {
			return nil, err
		}
		meta[k] = v
	}
	return meta, expectDelim(dec, '}', "the end of the metadata")
}

func parseEntry(dec *json.Decoder, name string) (entry, error) {
	e := entry{name: name}
	if err := expectDelim(dec, '{', "an object with dtype, shape and data_offsets"); err != nil {
		return e, err
	}
	var dtype string
	var offsets []int64
	var haveShape bool
	seen := map[string]bool{}
	for dec.More() {
		key, err := stringToken(dec, "a field name")
		if err != nil {
			return e, err
		}
		if seen[key] {
			return e, fmt.Errorf("field %q appears twice", short(key))
		}
		seen[key] = true
		switch key {
		case "dtype":
			if dtype, err = stringToken(dec, "a dtype string"); err != nil {
				return e, err
			}
		case "shape":
			if e.shape, err = intArray(dec, "shape"); err != nil {
				return e, err
			}
			haveShape = true
		case "data_offsets":
			if offsets, err = intArray(dec, "data_offsets"); err != nil {
				return e, err
			}
		default: // unknown fields are ignored, as the reference does
			var skip json.RawMessage
			if err := dec.Decode(&skip); err != nil {
				return e, err
			}
		}
	}
	if err := expectDelim(dec, '}', "the end of the tensor entry"); err != nil {
		return e, err
	}
	switch {
	case dtype == "":
		return e, errors.New("missing dtype")
	case !knownDtypes[dtype]:
		return e, fmt.Errorf("unknown dtype %q", short(dtype))
	case dtype != "F32":
		return e, fmt.Errorf("dtype %s not supported (netc reads F32 only)", dtype)
	case !haveShape:
		return e, errors.New("missing shape")
	case len(offsets) != 2:
		return e, fmt.Errorf("data_offsets has %d numbers, expected [begin, end]", len(offsets))
	case offsets[0] < 0 || offsets[1] < 0:
		return e, fmt.Errorf("negative data_offsets %v", offsets)
	}
	e.begin, e.end = offsets[0], offsets[1]
	return e, nil
}

func intArray(dec *json.Decoder, what string) ([]int64, error) {
	if err := expectDelim(dec, '[', what+" as an array of integers"); err != nil {
		return nil, err
	}
	out := []int64{}
	for dec.More() {
		tok, err := token(dec)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", what, err)
		}
		num, ok := tok.(json.Number)
		if !ok {
			return nil, fmt.Errorf("%s: expected an integer, found %v", what, shortToken(tok))
		}
		v, err := strconv.ParseInt(string(num), 10, 64)
		if err != nil {
			return nil, fmt.Errorf("%s: %s is not a 64-bit integer", what, num)
		}
		out = append(out, v)
	}
	return out, expectDelim(dec, ']', "the end of "+what)
}

// token is dec.Token with a clearer error at the end of the input.
func token(dec *json.Decoder) (json.Token, error) {
	tok, err := dec.Token()
	if err == io.EOF {
		err = errors.New("unexpected end of JSON")
	}
	return tok, err
}

func stringToken(dec *json.Decoder, what string) (string, error) {
	tok, err := token(dec)
	if err != nil {
		return "", fmt.Errorf("expected %s: %w", what, err)
	}
	s, ok := tok.(string)
	if !ok {
		return "", fmt.Errorf("expected %s, found %v", what, shortToken(tok))
	}
	return s, nil
}

func expectDelim(dec *json.Decoder, want json.Delim, what string) error {
	tok, err := token(dec)
	if err != nil {
		return fmt.Errorf("expected %s: %w", what, err)
	}
	if d, ok := tok.(json.Delim); !ok || d != want {
		return fmt.Errorf("expected %s, found %v", what, shortToken(tok))
	}
	return nil
}

func truncate(b []byte) []byte {
	if len(b) > 20 {
		return b[:20]
	}
	return b
}
