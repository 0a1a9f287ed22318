// Package tomlpos finds where every key of a TOML document is written.
//
// BurntSushi/toml decodes values but does not export key positions, and netc's errors must
// say file:line:col for any key, including keys inside inline tables inside arrays
// (`layers = [ { op = "conv", k = 3 } ]`). This package is a small TOML lexer that walks the
// document once and records, for every key path, the position of the key and of its value.
// It does not decode values: BurntSushi stays the one parser of what a document means, and
// a test checks that every key BurntSushi reports has a position here.
//
// Paths are JSON pointers (RFC 6901), e.g. "/blocks/vgg/layers/0/k", because that is the
// form the JSON Schema validator reports instance locations in.
//
// The scanner is also the guard in front of BurntSushi: it bounds the nesting depth of
// arrays and inline tables before BurntSushi's recursive parser sees the document (a deep
// enough nest overflows the goroutine stack, which no recover can catch).
package tomlpos

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/netc/netc/compiler/internal/diag"
)

// Index maps JSON-pointer paths to source positions.
type Index struct {
	Keys   map[string]diag.Pos // where the key is written; for array elements, the element
	Values map[string]diag.Pos // where the value starts
}

// Key returns the position of the key at path, or of its nearest ancestor that has one.
func (ix *Index) Key(path string) diag.Pos {
	for {
		if p, ok := ix.Keys[path]; ok {
			return p
		}
		i := strings.LastIndexByte(path, '/')
		if i < 0 {
			return diag.Pos{}
		}
		path = path[:i]
	}
}

// Value returns the position of the value at path, falling back to its key.
func (ix *Index) Value(path string) diag.Pos {
	if p, ok := ix.Values[path]; ok {
		return p
	}
	return ix.Key(path)
}

// Error is a lexical problem the scanner could not get past.
type Error struct {
	Pos diag.Pos
	Msg string
}

func (e *Error) Error() string { return fmt.Sprintf("%s: %s", e.Pos, e.Msg) }

// Escape turns a key into one JSON-pointer segment.
func Escape(key string) string {
	return strings.NewReplacer("~", "~0", "/", "~1").Replace(key)
}

// Join appends key segments to a JSON-pointer path.
func Join(path string, keys ...string) string {
	for _, k := range keys {
		path += "/" + Escape(k)
	}
	return path
}

// Scan indexes src. maxDepth bounds the nesting of arrays and inline tables; a deeper
// document is refused with an *Error at the bracket that crosses the bound.
func Scan(file string, src []byte, maxDepth int) (*Index, error) {
	s := &scanner{
		file:     file,
		src:      src,
		line:     1,
		col:      1,
		maxDepth: maxDepth,
		ix:       &Index{Keys: map[string]diag.Pos{}, Values: map[string]diag.Pos{}},
		arrays:   map[string]int{},
	}
	if err := s.document(); err != nil {
		return s.ix, err
	}
	return s.ix, nil
}

type scanner struct {
	file      string
	src       []byte
	off       int
	line, col int
	maxDepth  int
	ix        *Index
	// arrays counts the tables of each array of tables ([[x]]), keyed by resolved path,
	// so that "[[x]]" twice gives /x/0 and /x/1.
	arrays map[string]int
}

func (s *scanner) pos() diag.Pos { return diag.Pos{File: s.file, Line: s.line, Col: s.col} }

func (s *scanner) errorf(format string, args ...any) *Error {
	return &Error{Pos: s.pos(), Msg: fmt.Sprintf(format, args...)}
}

func (s *scanner) eof() bool { return s.off >= len(s.src) }

func (s *scanner) peek() byte {
	if s.off < len(s.src) {
		return s.src[s.off]
	}
	return 0
}

func (s *scanner) peekAt(n int) byte {
	if s.off+n < len(s.src) {
		return s.src[s.off+n]
	}
	return 0
}

// next consumes one byte, keeping line and column (in runes) up to date.
func (s *scanner) next() byte {
	c := s.src[s.off]
	s.off++
	switch {
	case c == '\n':
		s.line++
		s.col = 1
	case c&0xC0 != 0x80: // not a UTF-8 continuation byte: a new character
		s.col++
	}
	return c
}

func (s *scanner) hasPrefix(p string) bool {
	return strings.HasPrefix(string(s.src[s.off:min(len(s.src), s.off+len(p))]), p)
}

// skipSpace skips blanks and tabs, and also comments and newlines when multiline is set.
func (s *scanner) skipSpace(multiline bool) {
	for !s.eof() {
		switch c := s.peek(); {
		case c == ' ' || c == '\t':
			s.next()
		case c == '#':
			for !s.eof() && s.peek() != '\n' {
				s.next()
			}
		case multiline && (c == '\n' || c == '\r'):
			s.next()
		default:
			return
		}
	}
}

// document := (blank | comment | header | keyval) lines
func (s *scanner) document() error {
	// A byte-order mark is skipped as BurntSushi skips it (UTF-8, and the UTF-16 marks
	// some editors write); it takes no column.
	for _, bom := range []string{"\xef\xbb\xbf", "\xff\xfe", "\xfe\xff"} {
		if s.hasPrefix(bom) {
			s.off += len(bom)
			break
		}
	}
	table := "" // path of the current table
	for {
		s.skipSpace(true)
		if s.eof() {
			return nil
		}
		if s.peek() == '[' {
			t, err := s.header()
			if err != nil {
				return err
			}
			table = t
			continue
		}
		if err := s.keyval(table, 0); err != nil {
			return err
		}
		s.skipSpace(false)
		if !s.eof() && s.peek() != '\n' && s.peek() != '\r' {
			return s.errorf("expected the end of the line after a key = value, found %q", s.peek())
		}
	}
}

// header scans [a.b] or [[a.b]] and returns the path of the table it opens.
func (s *scanner) header() (string, error) {
	s.next() // [
	array := false
	if s.peek() == '[' {
		s.next()
		array = true
	}
	s.skipSpace(false)
	keys, poss, err := s.dottedKey()
	if err != nil {
		return "", err
	}
	s.skipSpace(false)
	closing := "]"
	if array {
		closing = "]]"
	}
	if !s.hasPrefix(closing) {
		return "", s.errorf("expected %q to close the table header", closing)
	}
	for range closing {
		s.next()
	}
	// Resolve every prefix: a prefix that names an array of tables means its last table.
	path := ""
	for i, k := range keys {
		path = Join(path, k)
		last := i == len(keys)-1
		if last && array {
			n := s.arrays[path]
			s.arrays[path] = n + 1
			s.record(path, poss[i])
			path = fmt.Sprintf("%s/%d", path, n)
			s.ix.Keys[path] = poss[i]
			s.ix.Values[path] = poss[i]
			continue
		}
		s.record(path, poss[i])
		if n, ok := s.arrays[path]; ok && !last {
			path = fmt.Sprintf("%s/%d", path, n-1)
		}
	}
	return path, nil
}

// record keeps the first position seen for a path: tables opened implicitly by a dotted
// key or a header are placed where they are first mentioned.
func (s *scanner) record(path string, p diag.Pos) {
	if _, ok := s.ix.Keys[path]; !ok {
		s.ix.Keys[path] = p
	}
}

// keyval := dotted-key '=' value
func (s *scanner) keyval(table string, depth int) error {
	keys, poss, err := s.dottedKey()
	if err != nil {
		return err
	}
	path := table
	for i, k := range keys {
		path = Join(path, k)
		s.record(path, poss[i])
	}
	s.ix.Keys[path] = poss[len(poss)-1]
	s.skipSpace(false)
	if s.peek() != '=' {
		return s.errorf("expected '=' after the key %q", strings.Join(keys, "."))
	}
	s.next()
	s.skipSpace(false)
	return s.value(path, depth)
}

// dottedKey := key ( '.' key )*
func (s *scanner) dottedKey() ([]string, []diag.Pos, error) {
	var keys []string
	var poss []diag.Pos
	for {
		p := s.pos()
		k, err := s.simpleKey()
		if err != nil {
			return nil, nil, err
		}
		keys = append(keys, k)
		poss = append(poss, p)
		s.skipSpace(false)
		if s.peek() != '.' {
			return keys, poss, nil
		}
		s.next()
		s.skipSpace(false)
	}
}

func isBare(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-'
}

func (s *scanner) simpleKey() (string, error) {
	switch c := s.peek(); {
	case c == '"':
		return s.basicString()
	case c == '\'':
		return s.literalString()
	case isBare(c):
		start := s.off
		for !s.eof() && isBare(s.peek()) {
			s.next()
		}
		return string(s.src[start:s.off]), nil
	case s.eof():
		return "", s.errorf("expected a key, found the end of the file")
	default:
		return "", s.errorf("expected a key, found %q", c)
	}
}

// value records the position of the value at path and skips over it.
func (s *scanner) value(path string, depth int) error {
	s.ix.Values[path] = s.pos()
	switch c := s.peek(); {
	case c == '[':
		return s.array(path, depth+1)
	case c == '{':
		return s.inlineTable(path, depth+1)
	case c == '"' || c == '\'':
		_, err := s.anyString()
		return err
	case s.eof():
		return s.errorf("expected a value, found the end of the file")
	default:
		return s.scalar()
	}
}

func (s *scanner) checkDepth(depth int) error {
	if depth > s.maxDepth {
		return s.errorf("arrays and inline tables nested more than %d levels deep", s.maxDepth)
	}
	return nil
}

// array := '[' (value (',' value)* ','?)? ']' with comments and newlines anywhere.
func (s *scanner) array(path string, depth int) error {
	if err := s.checkDepth(depth); err != nil {
		return err
	}
	s.next() // [
	for i := 0; ; i++ {
		s.skipSpace(true)
		if s.eof() {
			return s.errorf("unterminated array: expected ']'")
		}
		if s.peek() == ']' {
			s.next()
			return nil
		}
		elem := fmt.Sprintf("%s/%d", path, i)
		s.ix.Keys[elem] = s.pos()
		if err := s.value(elem, depth); err != nil {
			return err
		}
		s.skipSpace(true)
		switch s.peek() {
		case ',':
			s.next()
		case ']':
			s.next()
			return nil
		default:
			if s.eof() {
				return s.errorf("unterminated array: expected ']'")
			}
			return s.errorf("expected ',' or ']' in an array, found %q", s.peek())
		}
	}
}

// inlineTable := '{' (keyval (',' keyval)*)? '}'
func (s *scanner) inlineTable(path string, depth int) error {
	if err := s.checkDepth(depth); err != nil {
		return err
	}
	s.next() // {
	for {
		s.skipSpace(true)
		if s.eof() {
			return s.errorf("unterminated inline table: expected '}'")
		}
		if s.peek() == '}' {
			s.next()
			return nil
		}
		if err := s.keyval(path, depth); err != nil {
			return err
		}
		s.skipSpace(true)
		switch s.peek() {
		case ',':
			s.next()
		case '}':
			s.next()
			return nil
		default:
			if s.eof() {
				return s.errorf("unterminated inline table: expected '}'")
			}
			return s.errorf("expected ',' or '}' in an inline table, found %q", s.peek())
		}
	}
}

// scalar skips a number, boolean, date or time. A date and a time may be separated by a
// single space ("1979-05-27 07:32:00Z"), which is the one place a scalar holds a blank.
func (s *scanner) scalar() error {
	start := s.off
	for !s.eof() {
		c := s.peek()
		if c == ' ' && s.off-start == 10 && isDate(s.src[start:s.off]) && isDigit(s.peekAt(1)) {
			s.next()
			continue
		}
		if c == ',' || c == ']' || c == '}' || c == '#' || c == ' ' || c == '\t' || c == '\n' || c == '\r' {
			break
		}
		s.next()
	}
	if s.off == start {
		return s.errorf("expected a value, found %q", s.peek())
	}
	return nil
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func isDate(b []byte) bool {
	return len(b) == 10 && b[4] == '-' && b[7] == '-' && isDigit(b[0]) && isDigit(b[9])
}

func (s *scanner) anyString() (string, error) {
	switch {
	case s.hasPrefix(`"""`):
		return s.multilineString(`"""`, true)
	case s.hasPrefix(`'''`):
		return s.multilineString(`'''`, false)
	case s.peek() == '"':
		return s.basicString()
	default:
		return s.literalString()
	}
}

// basicString scans "..." and returns its decoded contents (keys may be quoted, and the
// decoded form is what BurntSushi reports).
func (s *scanner) basicString() (string, error) {
	s.next() // "
	start := s.off
	escaped := false
	for {
		if s.eof() || s.peek() == '\n' {
			return "", s.errorf("unterminated string: expected '\"'")
		}
		c := s.next()
		if c == '\\' && !s.eof() {
			escaped = true
			s.next()
			continue
		}
		if c == '"' {
			raw := string(s.src[start : s.off-1])
			if !escaped {
				return raw, nil
			}
			// TOML basic-string escapes are a subset of Go's, apart from \e and \U
			// forms Go also accepts; a key that fails to unquote keeps its raw text.
			if u, err := strconv.Unquote(`"` + raw + `"`); err == nil {
				return u, nil
			}
			return raw, nil
		}
	}
}

func (s *scanner) literalString() (string, error) {
	s.next() // '
	start := s.off
	for {
		if s.eof() || s.peek() == '\n' {
			return "", s.errorf("unterminated string: expected \"'\"")
		}
		if s.next() == '\'' {
			return string(s.src[start : s.off-1]), nil
		}
	}
}

// multilineString scans """...""" or ”'...”'. Up to two quotes may directly precede the
// closing delimiter and belong to the contents.
func (s *scanner) multilineString(delim string, escapes bool) (string, error) {
	for range delim {
		s.next()
	}
	for {
		if s.eof() {
			return "", s.errorf("unterminated multi-line string: expected %s", delim)
		}
		if escapes && s.peek() == '\\' {
			s.next()
			if !s.eof() {
				s.next()
			}
			continue
		}
		if s.hasPrefix(delim) {
			for range delim {
				s.next()
			}
			for i := 0; i < 2 && s.peek() == delim[0]; i++ {
				s.next()
			}
			return "", nil
		}
		s.next()
	}
}
