package statedict

import (
	"archive/zip"
	"cmp"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/netc/netc/tensorio"
)

// readTorch reads a checkpoint written by torch.save (PyTorch ≥ 1.6's zip format): a
// state dict, or a dict holding one under "state_dict" or "model". Tensors come back in
// the dict's order, which for model.state_dict() is the order in which the modules
// registered them. The file is treated as hostile: the pickle runs on the restricted
// unpickler (pickle.go); zip entries must be stored uncompressed, as torch.save writes
// them, and must not share bytes, so no entry yields more bytes than the file holds; each
// storage's declared element count must match its entry's size; and the float32 output
// is bounded by a small multiple of the file's size.
func readTorch(r io.ReaderAt, size int64) ([]tensorio.Tensor, []string, error) {
	z, err := zip.NewReader(r, size)
	if err != nil {
		return nil, nil, fmt.Errorf("not a readable torch.save zip: %w", err)
	}
	if err := checkEntries(z.File, size); err != nil {
		return nil, nil, err
	}
	var pkl *zip.File
	files := map[string]*zip.File{}
	for _, f := range z.File {
		files[f.Name] = f
		if strings.HasSuffix(f.Name, "/data.pkl") && strings.Count(f.Name, "/") == 1 {
			if pkl != nil {
				return nil, nil, fmt.Errorf("two pickles, %s and %s", pkl.Name, f.Name)
			}
			pkl = f
		}
	}
	if pkl == nil {
		return nil, nil, errors.New("no <name>/data.pkl entry: not a torch.save checkpoint")
	}
	prefix := strings.TrimSuffix(pkl.Name, "data.pkl")
	if bo := files[prefix+"byteorder"]; bo != nil {
		b, err := readEntry(bo)
		if err != nil {
			return nil, nil, err
		}
		if string(b) != "little" {
			return nil, nil, fmt.Errorf("byte order %q: only little-endian checkpoints are read", b)
		}
	}
	raw, err := readEntry(pkl)
	if err != nil {
		return nil, nil, err
	}
	obj, err := unpickle(raw)
	if err != nil {
		return nil, nil, err
	}
	dict, err := stateDict(obj)
	if err != nil {
		return nil, nil, err
	}
	budget := 4*size + 1<<20 // float32 out of float16 storages, tied weights read twice
	storages := map[string][]byte{}
	var out []tensorio.Tensor
	var skipped []string
	for i, k := range dict.keys {
		name, ok := k.(string)
		if !ok {
			return nil, nil, fmt.Errorf("state dict key %s is a %s, expected a tensor name", describe(k), typeName(k))
		}
		t, ok := dict.vals[i].(*pyTensor)
		if !ok {
			return nil, nil, fmt.Errorf("state dict entry %q is a %s, expected a tensor", name, typeName(dict.vals[i]))
		}
		dtype := storageDtypes[t.storage.class.name]
		convert := converters[dtype]
		if convert == nil {
			if strings.HasSuffix(name, "num_batches_tracked") {
				skipped = append(skipped, name)
				continue
			}
			return nil, nil, fmt.Errorf("tensor %q is a %s; a network's weights are floating point", name, t.storage.class)
		}
		n, _ := numel(t.size) // checked by the unpickler
		if budget -= 4 * n; budget < 0 {
			return nil, nil, fmt.Errorf("tensor %q: the tensors hold more elements than a %d-byte file can", name, size)
		}
		data, ok := storages[t.storage.key]
		if !ok {
			f := files[prefix+"data/"+t.storage.key]
			if f == nil {
				return nil, nil, fmt.Errorf("tensor %q: storage %q has no entry %sdata/%s", name, t.storage.key, prefix, t.storage.key)
			}
			es := uint64(elemSize[dtype])
			if want := uint64(t.storage.numel) * es; f.UncompressedSize64 != want {
				return nil, nil, fmt.Errorf("tensor %q: storage %q declares %d elements of %s (%d bytes), its entry holds %d bytes", name, t.storage.key, t.storage.numel, t.storage.class, want, f.UncompressedSize64)
			}
			if data, err = readEntry(f); err != nil {
				return nil, nil, err
			}
			storages[t.storage.key] = data
		}
		shape := make([]int, len(t.size))
		for i, d := range t.size {
			shape[i] = int(d)
		}
		out = append(out, tensorio.Tensor{Name: name, Shape: shape, Data: convert(gather(data, elemSize[dtype], t))})
	}
	return out, skipped, nil
}

// checkEntries refuses compressed entries (a zip bomb's tool; torch.save stores) and
// entries whose bytes overlap another's or lie outside the file.
func checkEntries(files []*zip.File, size int64) error {
	type region struct {
		name       string
		begin, end int64
	}
	var regions []region
	for _, f := range files {
		if f.Method != zip.Store {
			return fmt.Errorf("entry %s is compressed (method %d); torch.save stores its entries uncompressed", f.Name, f.Method)
		}
		if f.CompressedSize64 != f.UncompressedSize64 {
			return fmt.Errorf("entry %s: stored, yet %d bytes compressed and %d uncompressed", f.Name, f.CompressedSize64, f.UncompressedSize64)
		}
		off, err := f.DataOffset()
		if err != nil {
			return fmt.Errorf("entry %s: %w", f.Name, err)
		}
		if f.UncompressedSize64 > uint64(size) || off < 0 || off > size-int64(f.UncompressedSize64) {
			return fmt.Errorf("entry %s: %d bytes at offset %d, outside the %d-byte file", f.Name, f.UncompressedSize64, off, size)
		}
		regions = append(regions, region{f.Name, off, off + int64(f.UncompressedSize64)})
	}
	slices.SortFunc(regions, func(a, b region) int { return cmp.Compare(a.begin, b.begin) })
	for i := 1; i < len(regions); i++ {
		if a, b := regions[i-1], regions[i]; b.begin < a.end {
			return fmt.Errorf("entries %s and %s share bytes %d to %d", a.name, b.name, b.begin, min(a.end, b.end))
		}
	}
	return nil
}

// readEntry reads an entry that checkEntries accepted, never more than the size it
// declares, and checks that it holds exactly that many bytes.
func readEntry(f *zip.File) ([]byte, error) {
	rc, err := f.Open()
	if err != nil {
		return nil, fmt.Errorf("entry %s: %w", f.Name, err)
	}
	defer rc.Close()
	b, err := io.ReadAll(io.LimitReader(rc, int64(f.UncompressedSize64)+1))
	if err != nil {
		return nil, fmt.Errorf("entry %s: %w", f.Name, err)
	}
	if uint64(len(b)) != f.UncompressedSize64 {
		return nil, fmt.Errorf("entry %s declares %d bytes and holds %d", f.Name, f.UncompressedSize64, len(b))
	}
	return b, nil
}

// stateDict finds the state dict in what the pickle built.
func stateDict(obj any) (*pyDict, error) {
	d, ok := obj.(*pyDict)
	if !ok {
		return nil, fmt.Errorf("the checkpoint holds a %s, expected a state dict (a dict of tensors)", typeName(obj))
	}
	for _, k := range []string{"state_dict", "model"} {
		if v, ok := d.get(k); ok {
			inner, ok := v.(*pyDict)
			if !ok {
				return nil, fmt.Errorf("the checkpoint's %q is a %s, expected a state dict", k, typeName(v))
			}
			return inner, nil
		}
	}
	return d, nil
}

// gather copies a view's elements, in row-major order, out of its storage's bytes (the
// unpickler checked that the view stays inside the storage).
func gather(data []byte, es int64, t *pyTensor) []byte {
	n, _ := numel(t.size)
	contiguous, want := true, int64(1)
	for i := len(t.size) - 1; i >= 0; i-- {
		if t.size[i] != 1 && t.stride[i] != want {
			contiguous = false
		}
		want *= t.size[i]
	}
	if contiguous || n == 0 {
		return data[t.offset*es : (t.offset+n)*es]
	}
	out := make([]byte, 0, n*es)
	idx := make([]int64, len(t.size))
	for range n {
		at := t.offset
		for i, x := range idx {
			at += x * t.stride[i]
		}
		out = append(out, data[at*es:(at+1)*es]...)
		for i := len(idx) - 1; i >= 0; i-- {
			if idx[i]++; idx[i] < t.size[i] {
				break
			}
			idx[i] = 0
		}
	}
	return out
}
