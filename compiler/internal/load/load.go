// Package load reads a spec file into a tree of TOML values in which every key keeps its
// file:line:col and tables keep the order their keys were written in.
//
// Values are decoded by BurntSushi/toml; positions and key order come from tomlpos. Before
// either runs, the file size and the nesting depth are bounded, so that no input can make
// the parser allocate without limit or overflow its stack.
package load

import (
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/BurntSushi/toml"

	"github.com/netc/netc/compiler/internal/diag"
	"github.com/netc/netc/compiler/internal/tomlpos"
	"github.com/netc/netc/internal/userfile"
)

// Limits on what a spec file may be. A real spec is a few kilobytes with nesting of three
// or four; the bounds are far above that and far below what could hurt.
const (
	MaxFileSize = 1 << 20 // bytes
	MaxDepth    = 32      // arrays and inline tables inside each other
)

// Kind is the TOML type of a node.
type Kind int

const (
	Table Kind = iota
	Array
	String
	Integer
	Float
	Bool
	DateTime
)

func (k Kind) String() string {
	return [...]string{"a table", "an array", "a string", "an integer", "a float", "a boolean", "a date-time"}[k]
}

// Node is one value of the document.
type Node struct {
	Kind   Kind
	Path   string   // JSON pointer from the root, e.g. /layers/2/k
	KeyPos diag.Pos // where its key (or, for array elements, the element) is written
	Pos    diag.Pos // where its value starts

	Str   string
	Int   int64
	Float float64
	Bool  bool

	Keys   []string         // table keys in the order they were written
	Fields map[string]*Node // table fields
	Items  []*Node          // array elements
}

// Get returns the field key of a table node, or nil.
func (n *Node) Get(key string) *Node {
	if n == nil || n.Kind != Table {
		return nil
	}
	return n.Fields[key]
}

// Doc is a loaded spec file.
type Doc struct {
	File string
	Src  []byte
	Root *Node
}

// File reads and parses a spec file.
func File(path string) (*Doc, diag.List) {
	f, err := userfile.Open(path)
	if err != nil {
		return nil, diag.List{{Pos: diag.Pos{File: path}, Msg: friendlyOpenError(err)}}
	}
	defer f.Close()
	// Read one byte past the limit to tell "exactly the limit" from "too big" without
	// reading an arbitrarily large file into memory.
	src, err := io.ReadAll(io.LimitReader(f, MaxFileSize+1))
	if err != nil {
		return nil, diag.List{{Pos: diag.Pos{File: path}, Msg: err.Error()}}
	}
	return Parse(path, src)
}

func friendlyOpenError(err error) string {
	var nr *userfile.NotRegularError
	switch {
	case errors.As(err, &nr):
		return nr.Kind + ", not a regular file"
	case errors.Is(err, os.ErrNotExist):
		return "no such file"
	case errors.Is(err, os.ErrPermission):
		return "permission denied"
	}
	return err.Error()
}

// Parse parses spec source held in memory; file names it in positions.
func Parse(file string, src []byte) (*Doc, diag.List) {
	if len(src) > MaxFileSize {
		return nil, diag.List{{Pos: diag.Pos{File: file}, Msg: fmt.Sprintf("spec file is larger than %d KiB; a spec is a few kilobytes", MaxFileSize>>10)}}
	}
	index, scanErr := tomlpos.Scan(file, src, MaxDepth)
	var se *tomlpos.Error
	if errors.As(scanErr, &se) && strings.Contains(se.Msg, "nested more than") {
		// Too deep for the parser to be safe: stop before BurntSushi sees it.
		return nil, diag.List{{Pos: se.Pos, Msg: se.Msg}}
	}
	var raw map[string]any
	if _, err := toml.Decode(string(src), &raw); err != nil {
		return nil, diag.List{syntaxError(file, err)}
	}
	if scanErr != nil {
		// BurntSushi accepted what the position scanner could not follow. That is a bug in
		// the scanner; say so rather than report positions that may be wrong.
		return nil, diag.List{{Pos: se.Pos, Msg: "internal error: cannot index key positions: " + se.Msg + " (please report this spec)"}}
	}
	d := &Doc{File: file, Src: src}
	d.Root = build(raw, "", index)
	d.Root.KeyPos = diag.Pos{File: file, Line: 1, Col: 1}
	d.Root.Pos = d.Root.KeyPos
	if errs := d.nonFinite(); errs != nil {
		return nil, errs
	}
	return d, nil
}

func syntaxError(file string, err error) diag.Diagnostic {
	var pe toml.ParseError
	if errors.As(err, &pe) {
		msg := pe.Message
		if pe.Usage != "" {
			msg += " (" + strings.TrimSpace(firstLine(pe.Usage)) + ")"
		}
		return diag.Diagnostic{Pos: diag.Pos{File: file, Line: pe.Position.Line, Col: pe.Position.Col}, Msg: "TOML syntax: " + msg}
	}
	return diag.Diagnostic{Pos: diag.Pos{File: file}, Msg: "TOML syntax: " + err.Error()}
}

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

// build turns a decoded value into a Node, attaching positions from the index.
func build(v any, path string, ix *tomlpos.Index) *Node {
	n := &Node{Path: path, KeyPos: ix.Key(path), Pos: ix.Value(path)}
	switch v := v.(type) {
	case map[string]any:
		n.Kind = Table
		n.Fields = make(map[string]*Node, len(v))
		for k, fv := range v {
			n.Keys = append(n.Keys, k)
			n.Fields[k] = build(fv, tomlpos.Join(path, k), ix)
		}
		// Document order: by where each key was first written.
		sort.SliceStable(n.Keys, func(i, j int) bool {
			a, b := n.Fields[n.Keys[i]].KeyPos, n.Fields[n.Keys[j]].KeyPos
			if a == b {
				return n.Keys[i] < n.Keys[j]
			}
			return a.Before(b)
		})
	case []map[string]any: // arrays of tables decode to this type
		n.Kind = Array
		for i, e := range v {
			n.Items = append(n.Items, build(e, path+"/"+strconv.Itoa(i), ix))
		}
	case []any:
		n.Kind = Array
		for i, e := range v {
			n.Items = append(n.Items, build(e, path+"/"+strconv.Itoa(i), ix))
		}
	case string:
		n.Kind, n.Str = String, v
	case int64:
		n.Kind, n.Int = Integer, v
	case float64:
		n.Kind, n.Float = Float, v
	case bool:
		n.Kind, n.Bool = Bool, v
	case time.Time:
		n.Kind, n.Str = DateTime, v.Format(time.RFC3339Nano)
	default: // local dates and times (toml.LocalDate and friends)
		n.Kind, n.Str = DateTime, fmt.Sprint(v)
	}
	return n
}

// Plain converts the tree to the JSON-like values a JSON Schema validator expects:
// map[string]any, []any, string, int64, float64, bool. Date-times become null, so the
// schema (which has no date-times) rejects them with a type error.
func (n *Node) Plain() any {
	switch n.Kind {
	case Table:
		m := make(map[string]any, len(n.Fields))
		for k, f := range n.Fields {
			m[k] = f.Plain()
		}
		return m
	case Array:
		a := make([]any, len(n.Items))
		for i, e := range n.Items {
			a[i] = e.Plain()
		}
		return a
	case Integer:
		return n.Int
	case Float:
		return n.Float
	case Bool:
		return n.Bool
	case DateTime:
		return nil // no spec key takes a date; null fails every type check with a clear message
	}
	return n.Str
}

// Lookup finds the node at a JSON-pointer path, or nil.
func (d *Doc) Lookup(path string) *Node {
	n := d.Root
	for _, seg := range splitPointer(path) {
		switch {
		case n == nil:
			return nil
		case n.Kind == Table:
			n = n.Fields[seg]
		case n.Kind == Array:
			i, err := strconv.Atoi(seg)
			if err != nil || i < 0 || i >= len(n.Items) {
				return nil
			}
			n = n.Items[i]
		default:
			return nil
		}
	}
	return n
}

func splitPointer(path string) []string {
	if path == "" || path == "/" {
		return nil
	}
	segs := strings.Split(strings.TrimPrefix(path, "/"), "/")
	for i, s := range segs {
		segs[i] = strings.NewReplacer("~1", "/", "~0", "~").Replace(s)
	}
	return segs
}

// DisplayPath renders a JSON-pointer path as a TOML reader writes it:
// /blocks/vgg/layers/0/k becomes blocks.vgg.layers[0].k.
func (d *Doc) DisplayPath(path string) string {
	var b strings.Builder
	n := d.Root
	for _, seg := range splitPointer(path) {
		if n != nil && n.Kind == Array {
			b.WriteString("[" + seg + "]")
			i, _ := strconv.Atoi(seg)
			if i >= 0 && i < len(n.Items) {
				n = n.Items[i]
			} else {
				n = nil
			}
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(QuoteKey(seg))
		n = n.Get(seg)
	}
	return b.String()
}

// QuoteKey writes a key bare when TOML allows it, quoted otherwise.
func QuoteKey(k string) string {
	if k == "" {
		return `""`
	}
	for i := 0; i < len(k); i++ {
		c := k[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-') {
			return strconv.Quote(k)
		}
	}
	return k
}
