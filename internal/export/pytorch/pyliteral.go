package pytorch

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Everything a spec says (its name, description and file name, block and layer names)
// reaches model.py and train_ddp.py only through these: as a Python string literal, as
// text inside a docstring, or as an identifier (className, localName, checkSegment). The
// output is printable ASCII, so no text can end a literal early, start a new line of
// code, or hide code from a reader (bidirectional controls, look-alike quotes).

// pyString is s as a double-quoted Python string literal that evaluates to s (invalid
// UTF-8 bytes become U+FFFD).
func pyString(s string) string {
	return `"` + escapePy(s, true) + `"`
}

// pyDocText is s escaped to sit inside a """ docstring: a backslash or quote in s is
// escaped, so nothing in s can close the docstring, and s keeps its line breaks.
func pyDocText(s string) string {
	return escapePy(s, false)
}

// escapePy writes s with Python's escapes: \\, \", control characters and every non-ASCII
// character escaped; newlines too unless they may stay (docstring text).
func escapePy(s string, escapeNewline bool) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '\\':
			b.WriteString(`\\`)
		case r == '"':
			b.WriteString(`\"`)
		case r == '\n' && !escapeNewline:
			b.WriteByte('\n')
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\t':
			b.WriteString(`\t`)
		case r == '\r':
			b.WriteString(`\r`)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\x%02x`, r)
		case r < utf8.RuneSelf:
			b.WriteRune(r)
		case r <= 0xffff:
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			fmt.Fprintf(&b, `\U%08x`, r)
		}
	}
	return b.String()
}

// pyFloat is f as a Python expression: a float literal, or float("nan"), float("inf"),
// -float("inf"), which Python has no literals for.
func pyFloat(f float64) string {
	switch {
	case math.IsNaN(f):
		return `float("nan")`
	case math.IsInf(f, 1):
		return `float("inf")`
	case math.IsInf(f, -1):
		return `-float("inf")`
	}
	s := strconv.FormatFloat(f, 'g', -1, 64)
	if !strings.ContainsAny(s, ".e") {
		s += ".0"
	}
	return s
}
