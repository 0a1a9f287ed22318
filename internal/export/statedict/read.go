package statedict

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"math/bits"
	"strings"

	"github.com/netc/netc/internal/userfile"
	"github.com/netc/netc/tensorio"
)

// Source is a state dict as read from a file.
type Source struct {
	Tensors []tensorio.Tensor
	Skipped []string // num_batches_tracked counters, which netc has no use for
	// Ordered: the tensors are in the order the modules registered them, which pairing
	// may rely on (torch.save keeps a state dict's order; safetensors sorts its keys).
	Ordered bool
	Format  string // "torch.save" or "safetensors"
}

// Load reads a PyTorch state dict saved by torch.save (see readTorch) or as safetensors
// (see read). Floating-point tensors of any width (F32, F64, F16, BF16) come back as
// float32; BatchNorm's integer num_batches_tracked counters are skipped and listed; any
// other integer tensor is an error. The file is treated as hostile: every size and
// offset is checked before anything is allocated or read.
func Load(path string) (*Source, error) {
	f, err := userfile.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("%s: not a regular file", path)
	}
	src, err := load(f, st.Size())
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return src, nil
}

func load(r io.ReaderAt, size int64) (*Source, error) {
	var magic [4]byte
	if _, err := r.ReadAt(magic[:], 0); err != nil {
		return nil, fmt.Errorf("only %d bytes: neither a safetensors file nor a torch.save checkpoint", size)
	}
	switch {
	case string(magic[:]) == "PK\x03\x04":
		ts, skipped, err := readTorch(r, size)
		if err != nil {
			return nil, fmt.Errorf("torch.save checkpoint: %w", err)
		}
		return &Source{Tensors: ts, Skipped: skipped, Ordered: true, Format: "torch.save"}, nil
	case magic[0] == 0x80 && magic[1] <= 5 && magic[2] == 0x8a:
		return nil, errors.New("a torch.save checkpoint in the format before PyTorch 1.6 (a bare pickle): load it and save it again with torch.save in PyTorch 1.6 or later")
	}
	ts, skipped, err := read(r, size)
	if err != nil {
		return nil, fmt.Errorf("safetensors: %w", err)
	}
	return &Source{Tensors: ts, Skipped: skipped, Format: "safetensors"}, nil
}

// Read is Load for callers that need only the tensors and the skipped counters.
func Read(path string) (ts []tensorio.Tensor, skipped []string, err error) {
	src, err := Load(path)
	if err != nil {
		return nil, nil, err
	}
	return src.Tensors, src.Skipped, nil
}

// elemSize of the dtypes safetensors defines.
var elemSize = map[string]int64{
	"BOOL": 1, "U8": 1, "I8": 1, "F8_E5M2": 1, "F8_E4M3": 1, "I16": 2, "U16": 2, "F16": 2,
	"BF16": 2, "I32": 4, "U32": 4, "F32": 4, "F64": 8, "I64": 8, "U64": 8,
}

type header struct {
	Dtype   string  `json:"dtype"`
	Shape   []int64 `json:"shape"`
	Offsets []int64 `json:"data_offsets"`
}

func read(r io.ReaderAt, size int64) ([]tensorio.Tensor, []string, error) {
	var prefix [8]byte
	if _, err := r.ReadAt(prefix[:], 0); err != nil {
		return nil, nil, errors.New("truncated: expected an 8-byte header length")
	}
	n := binary.LittleEndian.Uint64(prefix[:])
	if n > tensorio.MaxHeaderBytes || int64(n) > size-8 {
		return nil, nil, fmt.Errorf("header length %d does not fit a %d-byte file (a safetensors file starts with its header's length; a torch.save checkpoint is a zip)", n, size)
	}
	raw := make([]byte, n)
	if _, err := r.ReadAt(raw, 8); err != nil {
		return nil, nil, fmt.Errorf("reading the header: %w", err)
	}
	names, entries, err := parseHeader(raw)
	if err != nil {
		return nil, nil, fmt.Errorf("header: %w", err)
	}
	dataStart, dataLen := 8+int64(n), size-8-int64(n)
	counts := make([]int64, len(names))
	spans := make([]span, len(names))
	for i, name := range names {
		e := entries[name]
		es, ok := elemSize[e.Dtype]
		if !ok {
			return nil, nil, fmt.Errorf("tensor %q: unknown dtype %q", name, e.Dtype)
		}
		count, err := elements(e.Shape, es, dataLen)
		if err != nil {
			return nil, nil, fmt.Errorf("tensor %q: %w", name, err)
		}
		if len(e.Offsets) != 2 || e.Offsets[0] < 0 || e.Offsets[1] < e.Offsets[0] || e.Offsets[1] > dataLen {
			return nil, nil, fmt.Errorf("tensor %q: data_offsets %v outside the %d-byte data section", name, e.Offsets, dataLen)
		}
		if got := e.Offsets[1] - e.Offsets[0]; got != count*es {
			return nil, nil, fmt.Errorf("tensor %q: data_offsets %v hold %d bytes, shape %v of %s needs %d", name, e.Offsets, got, e.Shape, e.Dtype, count*es)
		}
		counts[i], spans[i] = count, span{name, e.Offsets[0], e.Offsets[1]}
	}
	// Every check before the first allocation of tensor data.
	if err := checkLayout(spans, dataLen); err != nil {
		return nil, nil, err
	}
	var out []tensorio.Tensor
	var skipped []string
	for i, name := range names {
		e, count, es := entries[name], counts[i], elemSize[entries[name].Dtype]
		convert := converters[e.Dtype]
		if convert == nil {
			if strings.HasSuffix(name, "num_batches_tracked") {
				skipped = append(skipped, name)
				continue
			}
			return nil, nil, fmt.Errorf("tensor %q has dtype %s; a network's weights are floating point", name, e.Dtype)
		}
		buf := make([]byte, count*es)
		if _, err := r.ReadAt(buf, dataStart+e.Offsets[0]); err != nil {
			return nil, nil, fmt.Errorf("tensor %q: %w", name, err)
		}
		shape := make([]int, len(e.Shape))
		for i, d := range e.Shape {
			shape[i] = int(d)
		}
		out = append(out, tensorio.Tensor{Name: name, Shape: shape, Data: convert(buf)})
	}
	return out, skipped, nil
}

// parseHeader reads the header's entries in file order, refusing duplicate names (a
// Go map would silently keep the last).
func parseHeader(raw []byte) ([]string, map[string]header, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, nil, errors.New("expected a JSON object")
	}
	var names []string
	entries := map[string]header{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, nil, err
		}
		name, _ := tok.(string)
		if name == "__metadata__" {
			var skip json.RawMessage
			if err := dec.Decode(&skip); err != nil {
				return nil, nil, err
			}
			continue
		}
		if _, dup := entries[name]; dup {
			return nil, nil, fmt.Errorf("tensor %q is listed twice", name)
		}
		var h header
		if err := dec.Decode(&h); err != nil {
			return nil, nil, fmt.Errorf("tensor %q: %w", name, err)
		}
		names = append(names, name)
		entries[name] = h
	}
	return names, entries, nil
}

// elements is the product of shape, refused when negative or larger than the data.
func elements(shape []int64, es, dataLen int64) (int64, error) {
	total := uint64(1)
	for _, d := range shape {
		if d < 0 {
			return 0, fmt.Errorf("negative dimension in shape %v", shape)
		}
		hi, lo := bits.Mul64(total, uint64(d))
		if hi != 0 || lo > uint64(dataLen) {
			return 0, fmt.Errorf("shape %v holds more elements than the %d-byte data section", shape, dataLen)
		}
		total = lo
	}
	if int64(total)*es > dataLen {
		return 0, fmt.Errorf("shape %v needs more than the %d-byte data section", shape, dataLen)
	}
	return int64(total), nil
}

// converters decode little-endian floating-point data to float32.
var converters = map[string]func([]byte) []float32{
	"F32": func(b []byte) []float32 {
		out := make([]float32, len(b)/4)
		for i := range out {
			out[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:]))
		}
		return out
	},
	"F64": func(b []byte) []float32 {
		out := make([]float32, len(b)/8)
		for i := range out {
			out[i] = float32(math.Float64frombits(binary.LittleEndian.Uint64(b[8*i:])))
		}
		return out
	},
	"F16": func(b []byte) []float32 {
		out := make([]float32, len(b)/2)
		for i := range out {
			out[i] = halfToFloat(binary.LittleEndian.Uint16(b[2*i:]))
		}
		return out
	},
	"BF16": func(b []byte) []float32 { // the upper half of a float32
		out := make([]float32, len(b)/2)
		for i := range out {
			out[i] = math.Float32frombits(uint32(binary.LittleEndian.Uint16(b[2*i:])) << 16)
		}
		return out
	},
}

// halfToFloat widens an IEEE 754 binary16 exactly.
func halfToFloat(h uint16) float32 {
	sign := uint32(h>>15) << 31
	exp := uint32(h>>10) & 0x1f
	mant := uint32(h) & 0x3ff
	switch {
	case exp == 0: // zero or subnormal: mant × 2^-24
		f := float32(mant) / (1 << 24)
		if sign != 0 {
			f = -f
		}
		return f
	case exp == 0x1f: // infinity or NaN
		return math.Float32frombits(sign | 0x7f800000 | mant<<13)
	}
	return math.Float32frombits(sign | (exp+127-15)<<23 | mant<<13)
}
