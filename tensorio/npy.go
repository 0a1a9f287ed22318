package tensorio

import (
	"encoding/binary"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// The .npy format (numpy/lib/format.py): the magic "\x93NUMPY", a major
// and minor version, a little-endian header length (2 bytes in v1.0, 4 in
// v2.0 and v3.0), then a Python dict literal with 'descr', 'fortran_order'
// and 'shape', padded with spaces and a newline so the data starts on a
// 64-byte boundary.
const (
	npyMagic = "\x93NUMPY"
	npyAlign = 64
	// npyGrowthDigits is numpy's GROWTH_AXIS_MAX_DIGITS: spare spaces after
	// the dict so the first dimension can grow in place. Kept so our
	// headers are byte-identical to np.save's.
	npyGrowthDigits = 21
)

// WriteNPY writes a float32 array ('<f4', C order) to path as .npy,
// atomically: on any error the previous file at path is unchanged.
func WriteNPY(path string, shape []int, data []float32) error {
	if err := checkNPY(shape, data); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return WriteFileAtomic(path, func(w io.Writer) error { return EncodeNPY(w, shape, data) })
}

// EncodeNPY writes the bytes np.save would write for this float32 array:
// version 1.0, or 2.0 when the header does not fit in 64 KiB.
func EncodeNPY(w io.Writer, shape []int, data []float32) error {
	if err := checkNPY(shape, data); err != nil {
		return err
	}
	if _, err := w.Write(npyHeader("<f4", shape)); err != nil {
		return err
	}
	return writeFloat32s(w, data)
}

func checkNPY(shape []int, data []float32) error {
	n, err := checkedBytes(shapeInt64(shape), 4)
	if err != nil {
		return err
	}
	if n != 4*int64(len(data)) {
		return fmt.Errorf("shape %v needs %d values, data has %d", shape, n/4, len(data))
	}
	return nil
}

// npyHeader reproduces numpy's _write_array_header and _wrap_header.
func npyHeader(descr string, shape []int) []byte {
	var dict strings.Builder
	fmt.Fprintf(&dict, "{'descr': '%s', 'fortran_order': False, 'shape': %s, }", descr, pythonTuple(shape))
	if len(shape) > 0 {
		dict.WriteString(strings.Repeat(" ", max(npyGrowthDigits-len(strconv.Itoa(shape[0])), 0)))
	}
	header := dict.String()
	for _, v := range []struct {
		major   byte
		lenSize int
	}{{1, 2}, {2, 4}} {
		prefix := len(npyMagic) + 2 + v.lenSize
		hlen := len(header) + 1 // the newline
		pad := npyAlign - (prefix+hlen)%npyAlign
		total := hlen + pad
		if v.lenSize == 2 && total > 0xffff {
			continue
		}
		out := make([]byte, 0, prefix+total)
		out = append(out, npyMagic...)
		out = append(out, v.major, 0)
		if v.lenSize == 2 {
			out = binary.LittleEndian.AppendUint16(out, uint16(total))
		} else {
			out = binary.LittleEndian.AppendUint32(out, uint32(total))
		}
		out = append(out, header...)
		out = append(out, strings.Repeat(" ", pad)...)
		return append(out, '\n')
	}
	panic("unreachable: a v2.0 header always fits")
}

// pythonTuple formats shape as Python's repr of a tuple: (), (5,), (2, 3).
func pythonTuple(shape []int) string {
	parts := make([]string, len(shape))
	for i, d := range shape {
		parts[i] = strconv.Itoa(d)
	}
	if len(shape) == 1 {
		return "(" + parts[0] + ",)"
	}
	return "(" + strings.Join(parts, ", ") + ")"
}
