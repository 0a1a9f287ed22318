package statedict

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"math/bits"
)

// A restricted unpickler for the data.pkl of a torch.save checkpoint. It builds only
// plain data (dicts, lists, tuples, strings, numbers, booleans, None), storages named by
// persistent ids, and tensors; the only globals it accepts are the tensor rebuild
// functions, the storage classes and collections.OrderedDict, and REDUCE applies only
// those. Every other opcode (the ones that import or call anything else) is refused
// with its name and offset, so a hostile file can never run code, and every object it
// makes costs at least one byte of the pickle, which bounds memory by the input.

// pyGlobal is a class or function named by GLOBAL; it is never resolved to code.
type pyGlobal struct{ module, name string }

func (g pyGlobal) String() string { return g.module + "." + g.name }

// pyDict keeps insertion order, as Python's dicts and OrderedDict do: for a state dict,
// the order in which the modules registered their tensors.
type pyDict struct {
	keys  []any
	vals  []any
	index map[any]int
}

func newDict() *pyDict { return &pyDict{} }

func (d *pyDict) set(k, v any) error {
	switch k.(type) {
	case string, int64, bool, nil, float64:
	default:
		return fmt.Errorf("a dict key of type %s", typeName(k))
	}
	if i, ok := d.index[k]; ok {
		d.vals[i] = v
		return nil
	}
	if d.index == nil { // made on first use: an empty dict costs a pickle one byte
		d.index = map[any]int{}
	}
	d.index[k] = len(d.keys)
	d.keys = append(d.keys, k)
	d.vals = append(d.vals, v)
	return nil
}

func (d *pyDict) get(k string) (any, bool) {
	i, ok := d.index[k]
	if !ok {
		return nil, false
	}
	return d.vals[i], true
}

type pyTuple []any

type pyList struct{ items []any }

// pyStorage is a storage named by a persistent id: its bytes are the zip entry
// data/<key>, holding numel elements of the storage class's dtype.
type pyStorage struct {
	class pyGlobal
	key   string
	numel int64
}

// pyTensor is a view of a storage: _rebuild_tensor_v2's arguments, checked.
type pyTensor struct {
	storage *pyStorage
	offset  int64
	size    []int64
	stride  []int64
}

// allowedGlobals: what GLOBAL may name.
var allowedGlobals = map[string]bool{
	"collections.OrderedDict":         true,
	"torch._utils._rebuild_tensor_v2": true,
	"torch._utils._rebuild_parameter": true,
}

// storageDtypes maps torch's storage classes to safetensors' dtype names.
var storageDtypes = map[string]string{
	"FloatStorage": "F32", "DoubleStorage": "F64", "HalfStorage": "F16", "BFloat16Storage": "BF16",
	"LongStorage": "I64", "IntStorage": "I32", "ShortStorage": "I16", "CharStorage": "I8",
	"ByteStorage": "U8", "BoolStorage": "BOOL",
}

// opNames names the opcodes this reader refuses, for the error message.
var opNames = map[byte]string{
	'I': "INT", 'L': "LONG", 'F': "FLOAT", 'S': "STRING", 'T': "BINSTRING", 'U': "SHORT_BINSTRING",
	'V': "UNICODE", 'P': "PERSID", 'i': "INST", 'o': "OBJ", 'l': "LIST", 'd': "DICT", 'p': "PUT",
	'g': "GET", '0': "POP", '1': "POP_MARK", '2': "DUP", 0x81: "NEWOBJ", 0x82: "EXT1", 0x83: "EXT2",
	0x84: "EXT4", 0x8b: "LONG4", 0x8d: "BINUNICODE8", 0x8e: "BINBYTES8", 0x8f: "EMPTY_SET",
	0x90: "ADDITEMS", 0x91: "FROZENSET", 0x92: "NEWOBJ_EX", 0x93: "STACK_GLOBAL", 'B': "BINBYTES",
	'C': "SHORT_BINBYTES", 0x96: "BYTEARRAY8", 0x97: "NEXT_BUFFER", 0x98: "READONLY_BUFFER",
}

// unpickler holds the machine's state.
type unpickler struct {
	data     []byte
	pos      int
	stack    []any
	marks    []int
	memo     map[int64]any
	storages map[string]*pyStorage
}

// unpickle runs data.pkl and returns the object it leaves.
func unpickle(data []byte) (any, error) {
	u := &unpickler{data: data, memo: map[int64]any{}, storages: map[string]*pyStorage{}}
	for {
		if u.pos >= len(u.data) {
			return nil, fmt.Errorf("data.pkl: ends at byte %d without STOP", u.pos)
		}
		at := u.pos
		op := u.data[u.pos]
		u.pos++
		done, err := u.step(op)
		if err != nil {
			name := opName(op)
			return nil, fmt.Errorf("data.pkl: %s at byte %d: %w", name, at, err)
		}
		if done {
			if len(u.stack) != 1 || len(u.marks) != 0 {
				return nil, fmt.Errorf("data.pkl: STOP at byte %d leaves %d objects and %d marks, expected one object", at, len(u.stack), len(u.marks))
			}
			return u.stack[0], nil
		}
	}
}

func opName(op byte) string {
	if n, ok := knownOps[op]; ok {
		return n
	}
	if n, ok := opNames[op]; ok {
		return n
	}
	return fmt.Sprintf("opcode 0x%02x", op)
}

var knownOps = map[byte]string{
	0x80: "PROTO", 0x95: "FRAME", '.': "STOP", '(': "MARK", '}': "EMPTY_DICT", ']': "EMPTY_LIST",
	')': "EMPTY_TUPLE", 't': "TUPLE", 0x85: "TUPLE1", 0x86: "TUPLE2", 0x87: "TUPLE3",
	'X': "BINUNICODE", 0x8c: "SHORT_BINUNICODE", 'J': "BININT", 'K': "BININT1", 'M': "BININT2",
	0x8a: "LONG1", 'G': "BINFLOAT", 'N': "NONE", 0x88: "NEWTRUE", 0x89: "NEWFALSE", 'q': "BINPUT",
	'r': "LONG_BINPUT", 'h': "BINGET", 'j': "LONG_BINGET", 0x94: "MEMOIZE", 's': "SETITEM",
	'u': "SETITEMS", 'a': "APPEND", 'e': "APPENDS", 'c': "GLOBAL", 'R': "REDUCE", 'b': "BUILD",
	'Q': "BINPERSID",
}

func (u *unpickler) take(n int) ([]byte, error) {
	if n < 0 || n > len(u.data)-u.pos {
		return nil, fmt.Errorf("needs %d bytes, %d remain", n, len(u.data)-u.pos)
	}
	b := u.data[u.pos : u.pos+n]
	u.pos += n
	return b, nil
}

func (u *unpickler) push(v any) { u.stack = append(u.stack, v) }

func (u *unpickler) pop() (any, error) {
	if len(u.stack) == 0 || (len(u.marks) > 0 && len(u.stack) == u.marks[len(u.marks)-1]) {
		return nil, errors.New("the stack is empty")
	}
	v := u.stack[len(u.stack)-1]
	u.stack = u.stack[:len(u.stack)-1]
	return v, nil
}

func (u *unpickler) top() (any, error) {
	if len(u.stack) == 0 {
		return nil, errors.New("the stack is empty")
	}
	return u.stack[len(u.stack)-1], nil
}

// popMark returns the objects pushed since the last MARK.
func (u *unpickler) popMark() ([]any, error) {
	if len(u.marks) == 0 {
		return nil, errors.New("no MARK before it")
	}
	m := u.marks[len(u.marks)-1]
	u.marks = u.marks[:len(u.marks)-1]
	items := append([]any(nil), u.stack[m:]...)
	u.stack = u.stack[:m]
	return items, nil
}

func (u *unpickler) step(op byte) (bool, error) {
	switch op {
	case 0x80: // PROTO
		b, err := u.take(1)
		if err != nil {
			return false, err
		}
		if b[0] > 5 {
			return false, fmt.Errorf("pickle protocol %d is not one Python writes", b[0])
		}
	case 0x95: // FRAME: a length hint only
		if _, err := u.take(8); err != nil {
			return false, err
		}
	case '.':
		return true, nil
	case '(':
		u.marks = append(u.marks, len(u.stack))
	case '}':
		u.push(newDict())
	case ']':
		u.push(&pyList{})
	case ')':
		u.push(pyTuple{})
	case 't':
		items, err := u.popMark()
		if err != nil {
			return false, err
		}
		u.push(pyTuple(items))
	case 0x85, 0x86, 0x87:
		n := int(op - 0x84)
		items := make(pyTuple, n)
		for i := n - 1; i >= 0; i-- {
			v, err := u.pop()
			if err != nil {
				return false, err
			}
			items[i] = v
		}
		u.push(items)
	case 'X', 0x8c:
		var n int
		if op == 'X' {
			b, err := u.take(4)
			if err != nil {
				return false, err
			}
			n = int(binary.LittleEndian.Uint32(b))
		} else {
			b, err := u.take(1)
			if err != nil {
				return false, err
			}
			n = int(b[0])
		}
		b, err := u.take(n)
		if err != nil {
			return false, err
		}
		u.push(string(b))
	case 'J':
		b, err := u.take(4)
		if err != nil {
			return false, err
		}
		u.push(int64(int32(binary.LittleEndian.Uint32(b))))
	case 'K':
		b, err := u.take(1)
		if err != nil {
			return false, err
		}
		u.push(int64(b[0]))
	case 'M':
		b, err := u.take(2)
		if err != nil {
			return false, err
		}
		u.push(int64(binary.LittleEndian.Uint16(b)))
	case 0x8a: // LONG1: a little-endian two's-complement integer of up to 8 bytes here
		b, err := u.take(1)
		if err != nil {
			return false, err
		}
		if b[0] > 8 {
			return false, fmt.Errorf("a %d-byte integer (at most 8 are accepted)", b[0])
		}
		raw, err := u.take(int(b[0]))
		if err != nil {
			return false, err
		}
		var v uint64
		for i := len(raw) - 1; i >= 0; i-- {
			v = v<<8 | uint64(raw[i])
		}
		if n := len(raw); n > 0 && n < 8 && raw[n-1]&0x80 != 0 {
			v |= ^uint64(0) << (8 * n) // sign-extend
		}
		u.push(int64(v))
	case 'G':
		b, err := u.take(8)
		if err != nil {
			return false, err
		}
		u.push(math.Float64frombits(binary.BigEndian.Uint64(b)))
	case 'N':
		u.push(nil)
	case 0x88:
		u.push(true)
	case 0x89:
		u.push(false)
	case 'q', 'r', 0x94:
		var idx int64
		switch op {
		case 'q':
			b, err := u.take(1)
			if err != nil {
				return false, err
			}
			idx = int64(b[0])
		case 'r':
			b, err := u.take(4)
			if err != nil {
				return false, err
			}
			idx = int64(binary.LittleEndian.Uint32(b))
		default:
			idx = int64(len(u.memo))
		}
		v, err := u.top()
		if err != nil {
			return false, err
		}
		u.memo[idx] = v
	case 'h', 'j':
		var idx int64
		if op == 'h' {
			b, err := u.take(1)
			if err != nil {
				return false, err
			}
			idx = int64(b[0])
		} else {
			b, err := u.take(4)
			if err != nil {
				return false, err
			}
			idx = int64(binary.LittleEndian.Uint32(b))
		}
		v, ok := u.memo[idx]
		if !ok {
			return false, fmt.Errorf("memo entry %d was never stored", idx)
		}
		u.push(v)
	case 's':
		v, err := u.pop()
		if err != nil {
			return false, err
		}
		k, err := u.pop()
		if err != nil {
			return false, err
		}
		return false, u.setItems([]any{k, v})
	case 'u':
		items, err := u.popMark()
		if err != nil {
			return false, err
		}
		if len(items)%2 != 0 {
			return false, fmt.Errorf("%d objects after MARK, expected key-value pairs", len(items))
		}
		return false, u.setItems(items)
	case 'a', 'e':
		var items []any
		if op == 'a' {
			v, err := u.pop()
			if err != nil {
				return false, err
			}
			items = []any{v}
		} else {
			var err error
			if items, err = u.popMark(); err != nil {
				return false, err
			}
		}
		t, err := u.top()
		if err != nil {
			return false, err
		}
		l, ok := t.(*pyList)
		if !ok {
			return false, fmt.Errorf("appends to a %s, expected a list", typeName(t))
		}
		l.items = append(l.items, items...)
	case 'c':
		module, err := u.line()
		if err != nil {
			return false, err
		}
		name, err := u.line()
		if err != nil {
			return false, err
		}
		g := pyGlobal{module, name}
		_, storage := storageDtypes[name]
		if !allowedGlobals[g.String()] && !(module == "torch" && storage) {
			return false, fmt.Errorf("refers to %s; a state dict may name only tensor rebuilds, torch storages and collections.OrderedDict", g)
		}
		u.push(g)
	case 'R':
		args, err := u.pop()
		if err != nil {
			return false, err
		}
		fn, err := u.pop()
		if err != nil {
			return false, err
		}
		v, err := reduce(fn, args)
		if err != nil {
			return false, err
		}
		u.push(v)
	case 'b':
		state, err := u.pop()
		if err != nil {
			return false, err
		}
		obj, err := u.top()
		if err != nil {
			return false, err
		}
		// OrderedDict's attributes (a state dict's _metadata of module versions): kept
		// nowhere, since netc has no use for them.
		if _, ok := obj.(*pyDict); !ok {
			return false, fmt.Errorf("sets the state of a %s; only a dict's attributes are accepted", typeName(obj))
		}
		if _, ok := state.(*pyDict); !ok {
			return false, fmt.Errorf("state is a %s, expected a dict", typeName(state))
		}
	case 'Q':
		pid, err := u.pop()
		if err != nil {
			return false, err
		}
		s, err := u.storage(pid)
		if err != nil {
			return false, err
		}
		u.push(s)
	default:
		return false, errors.New("not accepted: a state dict needs only dicts, tensors and plain data")
	}
	return false, nil
}

// line reads GLOBAL's newline-terminated argument.
func (u *unpickler) line() (string, error) {
	for i := u.pos; i < len(u.data) && i < u.pos+256; i++ {
		if u.data[i] == '\n' {
			s := string(u.data[u.pos:i])
			u.pos = i + 1
			return s, nil
		}
	}
	return "", errors.New("a name without its newline (or longer than 256 bytes)")
}

func (u *unpickler) setItems(items []any) error {
	t, err := u.top()
	if err != nil {
		return err
	}
	d, ok := t.(*pyDict)
	if !ok {
		return fmt.Errorf("sets items of a %s, expected a dict", typeName(t))
	}
	for i := 0; i < len(items); i += 2 {
		if err := d.set(items[i], items[i+1]); err != nil {
			return err
		}
	}
	return nil
}

// storage checks a persistent id: ('storage', class, key, location, numel).
func (u *unpickler) storage(pid any) (*pyStorage, error) {
	t, ok := pid.(pyTuple)
	if !ok || len(t) != 5 || t[0] != "storage" {
		return nil, fmt.Errorf("persistent id %s, expected ('storage', class, key, location, numel)", describe(pid))
	}
	class, ok1 := t[1].(pyGlobal)
	key, ok2 := t[2].(string)
	numel, ok3 := t[4].(int64)
	if !ok1 || !ok2 || !ok3 || storageDtypes[class.name] == "" || numel < 0 {
		return nil, fmt.Errorf("persistent id %s, expected ('storage', class, key, location, numel)", describe(pid))
	}
	if s, ok := u.storages[key]; ok {
		if s.class != class || s.numel != numel {
			return nil, fmt.Errorf("storage %q is %s of %d elements here and %s of %d before", key, class, numel, s.class, s.numel)
		}
		return s, nil
	}
	s := &pyStorage{class: class, key: key, numel: numel}
	u.storages[key] = s
	return s, nil
}

// reduce applies one of the accepted callables.
func reduce(fn, args any) (any, error) {
	g, ok := fn.(pyGlobal)
	a, ok2 := args.(pyTuple)
	if !ok || !ok2 {
		return nil, fmt.Errorf("calls a %s with a %s; only tensor rebuilds and OrderedDict() are accepted", typeName(fn), typeName(args))
	}
	switch g.String() {
	case "collections.OrderedDict":
		if len(a) != 0 {
			return nil, fmt.Errorf("OrderedDict with %d arguments, expected none", len(a))
		}
		return newDict(), nil
	case "torch._utils._rebuild_tensor_v2":
		// (storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata])
		if len(a) < 6 || len(a) > 7 {
			return nil, fmt.Errorf("_rebuild_tensor_v2 with %d arguments, expected 6 or 7", len(a))
		}
		s, ok := a[0].(*pyStorage)
		offset, ok2 := a[1].(int64)
		size, err1 := ints(a[2])
		stride, err2 := ints(a[3])
		if !ok || !ok2 || err1 != nil || err2 != nil || len(size) != len(stride) {
			return nil, fmt.Errorf("_rebuild_tensor_v2%s: expected (storage, offset, size, stride, ...)", describe(args))
		}
		if err := checkView(s, offset, size, stride); err != nil {
			return nil, err
		}
		return &pyTensor{storage: s, offset: offset, size: size, stride: stride}, nil
	case "torch._utils._rebuild_parameter":
		if len(a) != 3 {
			return nil, fmt.Errorf("_rebuild_parameter with %d arguments, expected 3", len(a))
		}
		t, ok := a[0].(*pyTensor)
		if !ok {
			return nil, fmt.Errorf("_rebuild_parameter of a %s, expected a tensor", typeName(a[0]))
		}
		return t, nil
	}
	return nil, fmt.Errorf("calls %s; only tensor rebuilds and OrderedDict() are accepted", g)
}

// checkView refuses a view that reaches outside its storage, or whose element count
// does not fit an int64, before anything is allocated.
func checkView(s *pyStorage, offset int64, size, stride []int64) error {
	if offset < 0 {
		return fmt.Errorf("storage offset %d", offset)
	}
	last := offset // the highest element index the view reads
	empty := false
	for i := range size {
		if size[i] < 0 || stride[i] < 0 {
			return fmt.Errorf("size %v, stride %v: negative", size, stride)
		}
		if size[i] == 0 {
			empty = true
			continue
		}
		hi, lo := bits.Mul64(uint64(size[i]-1), uint64(stride[i]))
		if hi != 0 || lo > math.MaxInt64/2 || last > math.MaxInt64/2 {
			return fmt.Errorf("size %v, stride %v: overflows", size, stride)
		}
		last += int64(lo)
	}
	if _, err := numel(size); err != nil {
		return err
	}
	if !empty && last >= s.numel {
		return fmt.Errorf("a view (offset %d, size %v, stride %v) reads element %d of storage %q, which holds %d", offset, size, stride, last, s.key, s.numel)
	}
	return nil
}

func numel(size []int64) (int64, error) {
	n := uint64(1)
	for _, d := range size {
		hi, lo := bits.Mul64(n, uint64(d))
		if hi != 0 || lo > 1<<40 {
			return 0, fmt.Errorf("size %v holds more than 2^40 elements", size)
		}
		n = lo
	}
	return int64(n), nil
}

func ints(v any) ([]int64, error) {
	t, ok := v.(pyTuple)
	if !ok {
		return nil, fmt.Errorf("a %s, expected a tuple of integers", typeName(v))
	}
	out := make([]int64, len(t))
	for i, x := range t {
		n, ok := x.(int64)
		if !ok {
			return nil, fmt.Errorf("a %s in a tuple of integers", typeName(x))
		}
		out[i] = n
	}
	return out, nil
}

func typeName(v any) string {
	switch v := v.(type) {
	case nil:
		return "None"
	case string:
		return "string"
	case int64:
		return "int"
	case float64:
		return "float"
	case bool:
		return "bool"
	case *pyDict:
		return "dict"
	case pyTuple:
		return "tuple"
	case *pyList:
		return "list"
	case pyGlobal:
		return v.String()
	case *pyStorage:
		return "storage"
	case *pyTensor:
		return "tensor"
	}
	return fmt.Sprintf("%T", v)
}

// describe prints a short form of v for an error message: a few items, two levels deep
// (a hostile pickle may nest tuples a million deep).
func describe(v any) string { return describeDepth(v, 2) }

func describeDepth(v any, depth int) string {
	switch v := v.(type) {
	case pyTuple:
		if depth == 0 {
			return "(...)"
		}
		s := "("
		for i, x := range v {
			if i > 0 {
				s += ", "
			}
			if i == 6 {
				s += "..."
				break
			}
			s += describeDepth(x, depth-1)
		}
		return s + ")"
	case string:
		if len(v) > 40 {
			v = v[:40] + "..."
		}
		return fmt.Sprintf("%q", v)
	case int64:
		return fmt.Sprint(v)
	}
	return typeName(v)
}
