// Package diag holds the compiler's diagnostics: a position in a spec file, the path of
// the layer or key it concerns, and a message that says what was expected and what was found.
//
// Errors are collected, never thrown: every stage appends to a List and the caller decides
// whether to go on. The printed form, `file:line:col: path: message`, is a contract that
// editors and tests rely on.
package diag

import (
	"fmt"
	"sort"
	"strings"
)

// Pos is a position in a source file. Line and Col are 1-based; Col counts characters
// (runes), as editors do. The zero Pos means "no position".
type Pos struct {
	File string
	Line int
	Col  int
}

// IsValid reports whether p points somewhere.
func (p Pos) IsValid() bool { return p.Line > 0 }

// String formats p as file:line:col, leaving out what is unknown.
func (p Pos) String() string {
	switch {
	case p.Line == 0 && p.File == "":
		return "-"
	case p.Line == 0:
		return p.File
	case p.Col == 0:
		return fmt.Sprintf("%s:%d", p.File, p.Line)
	}
	return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Col)
}

// Before orders positions by file, line and column.
func (p Pos) Before(q Pos) bool {
	if p.File != q.File {
		return p.File < q.File
	}
	if p.Line != q.Line {
		return p.Line < q.Line
	}
	return p.Col < q.Col
}

// Diagnostic is one problem in a spec.
type Diagnostic struct {
	Pos  Pos
	Path string // layer path (b3.inception1.p2.conv2) or key path (blocks.vgg.layers[0].k)
	Msg  string
	// Notes point at other places that explain the problem (the layer that made a
	// shape, the use of a block and its arguments); Help suggests a fix.
	Notes []Note
	Help  string
}

// Note is a secondary position of a diagnostic.
type Note struct {
	Pos Pos
	Msg string
}

// String is the first line, `file:line:col: path: message`, then one indented line per
// note (`file:line:col: note: ...`) and the help, as compilers print secondary positions.
func (d Diagnostic) String() string {
	var b strings.Builder
	if d.Path == "" {
		fmt.Fprintf(&b, "%s: %s", d.Pos, d.Msg)
	} else {
		fmt.Fprintf(&b, "%s: %s: %s", d.Pos, d.Path, d.Msg)
	}
	for _, n := range d.Notes {
		fmt.Fprintf(&b, "\n    %s: note: %s", n.Pos, n.Msg)
	}
	if d.Help != "" {
		fmt.Fprintf(&b, "\n    help: %s", d.Help)
	}
	return b.String()
}

// List collects diagnostics in the order they were found.
type List []Diagnostic

// Add appends a diagnostic built from a format string.
func (l *List) Add(pos Pos, path, format string, args ...any) {
	*l = append(*l, Diagnostic{Pos: pos, Path: path, Msg: fmt.Sprintf(format, args...)})
}

// Len is the number of diagnostics.
func (l List) Len() int { return len(l) }

// Sorted returns the diagnostics ordered by position, duplicates removed. Semantic errors
// found while expanding a block used many times point at the same spec line; the path tells
// the instances apart, so only exact duplicates go.
func (l List) Sorted() List {
	out := append(List(nil), l...)
	sort.SliceStable(out, func(i, j int) bool { return out[i].Pos.Before(out[j].Pos) })
	dedup := out[:0]
	for i, d := range out {
		if i > 0 && d.String() == out[i-1].String() {
			continue
		}
		dedup = append(dedup, d)
	}
	return dedup
}

// Error joins the diagnostics one per line, so a List can travel as an error.
func (l List) Error() string {
	var b strings.Builder
	for i, d := range l {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(d.String())
	}
	return b.String()
}

// Err returns l as an error, or nil when it is empty.
func (l List) Err() error {
	if len(l) == 0 {
		return nil
	}
	return l
}
