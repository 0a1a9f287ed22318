package tensorio

import (
	"cmp"
	"encoding/binary"
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"unicode/utf8"
)

// Tensor is a named float32 array in C (row-major) order.
type Tensor struct {
	Name  string // e.g. "b3.inception1.p2.conv2.weight"
	Shape []int  // empty for a scalar
	Data  []float32
}

// MaxHeaderBytes caps a safetensors JSON header, as the reference crate
// does (its HeaderTooLarge error).
const MaxHeaderBytes = 100_000_000

// metadataKey is the reserved header entry for string metadata.
const metadataKey = "__metadata__"

// WriteFile writes tensors and metadata to path as safetensors, atomically:
// on any error the previous file at path is unchanged. The file's metadata
// also records its checksum under ChecksumKey, which ReadFile verifies.
func WriteFile(path string, tensors []Tensor, metadata map[string]string) error {
	if err := checkTensors(tensors, metadata); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return WriteFileAtomic(path, func(w io.Writer) error { return writeSealed(w, tensors, metadata) })
}

// Write writes safetensors as the reference implementation lays them out:
// tensors sorted by name, data contiguous in that order, the compact JSON
// header (metadata first, its keys sorted) padded with spaces to a multiple
// of 8 bytes. Equal input gives equal bytes. Unlike WriteFile it records no
// checksum: the bytes are exactly the reference layout of what it is given.
func Write(w io.Writer, tensors []Tensor, metadata map[string]string) error {
	if err := checkTensors(tensors, metadata); err != nil {
		return err
	}
	order := sortedByName(tensors)
	header, err := encodeHeader(order, metadata)
	if err != nil {
		return err
	}
	return writeParts(w, header, order)
}

// encodeHeader returns the 8-byte length prefix followed by the padded JSON
// header for tensors already sorted by name.
func encodeHeader(order []Tensor, metadata map[string]string) ([]byte, error) {
	header := []byte{'{'}
	if len(metadata) > 0 {
		header = appendJSONString(header, metadataKey)
		header = append(header, ":{"...)
		for i, k := range slices.Sorted(maps.Keys(metadata)) {
			if i > 0 {
				header = append(header, ',')
			}
			header = appendJSONString(header, k)
			header = append(header, ':')
			header = appendJSONString(header, metadata[k])
		}
		header = append(header, '}')
	}
	offset := int64(0)
	for i, t := range order {
		if i > 0 || len(metadata) > 0 {
			header = append(header, ',')
		}
		header = appendJSONString(header, t.Name)
		header = append(header, `:{"dtype":"F32","shape":[`...)
		for j, d := range t.Shape {
			if j > 0 {
				header = append(header, ',')
			}
			header = strconv.AppendInt(header, int64(d), 10)
		}
		end := offset + 4*int64(len(t.Data))
		header = fmt.Appendf(header, `],"data_offsets":[%d,%d]}`, offset, end)
		offset = end
	}
	header = append(header, '}')
	for len(header)%8 != 0 {
		header = append(header, ' ')
	}
	if len(header) > MaxHeaderBytes {
		return nil, fmt.Errorf("safetensors header of %d bytes exceeds %d", len(header), MaxHeaderBytes)
	}
	out := binary.LittleEndian.AppendUint64(make([]byte, 0, 8+len(header)), uint64(len(header)))
	return append(out, header...), nil
}

// writeParts writes the encoded header, then each tensor's data in order.
func writeParts(w io.Writer, header []byte, order []Tensor) error {
	if _, err := w.Write(header); err != nil {
		return err
	}
	for _, t := range order {
		if err := writeFloat32s(w, t.Data); err != nil {
			return err
		}
	}
	return nil
}

// checkTensors refuses what could not be read back: reserved, invalid or
// duplicate names, shapes that disagree with the data. (An empty name is
// legal, as in the reference.)
func checkTensors(tensors []Tensor, metadata map[string]string) error {
	seen := make(map[string]bool, len(tensors))
	for _, t := range tensors {
		switch {
		case t.Name == metadataKey:
			return fmt.Errorf("tensor name %q is reserved", t.Name)
		case !utf8.ValidString(t.Name):
			return fmt.Errorf("tensor name %q is not valid UTF-8", t.Name)
		case seen[t.Name]:
			return fmt.Errorf("tensor %q appears twice", t.Name)
		}
		seen[t.Name] = true
		n, err := checkedBytes(shapeInt64(t.Shape), 4)
		if err != nil {
			return fmt.Errorf("tensor %q: %w", t.Name, err)
		}
		if n != 4*int64(len(t.Data)) {
			return fmt.Errorf("tensor %q: shape %v needs %d values, data has %d", t.Name, t.Shape, n/4, len(t.Data))
		}
	}
	for k, v := range metadata {
		if k == ChecksumKey {
			return fmt.Errorf("metadata key %q is reserved: WriteFile computes it", k)
		}
		if !utf8.ValidString(k) || !utf8.ValidString(v) {
			return fmt.Errorf("metadata %q: not valid UTF-8", k)
		}
	}
	return nil
}

func sortedByName(tensors []Tensor) []Tensor {
	order := slices.Clone(tensors)
	slices.SortFunc(order, func(a, b Tensor) int { return cmp.Compare(a.Name, b.Name) })
	return order
}

// appendJSONString quotes s as serde_json does (the reference writer):
// escape only '"', '\\' and control characters, keep other UTF-8 as is.
func appendJSONString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch c {
		case '"', '\\':
			b = append(b, '\\', c)
		case '\b':
			b = append(b, '\\', 'b')
		case '\f':
			b = append(b, '\\', 'f')
		case '\n':
			b = append(b, '\\', 'n')
		case '\r':
			b = append(b, '\\', 'r')
		case '\t':
			b = append(b, '\\', 't')
		default:
			if c < 0x20 {
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			} else {
				b = append(b, c)
			}
		}
	}
	return append(b, '"')
}
