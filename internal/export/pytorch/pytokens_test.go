package pytorch

import (
	"fmt"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"
)

// A small Python tokenizer, enough to tell whether two generated modules have the same
// code and differ only inside string literals: what a spec's text may change. It
// follows Python's lexical rules for what the generator can produce (names, numbers,
// operators, comments, line continuations, string literals with any prefix, single or
// triple quoted), and refuses what it never produces (non-ASCII or control characters
// outside strings, carriage returns, unterminated strings), so that a hostile literal
// that escapes its quotes shows up as a different token stream or an error.

type pyTokKind byte

const (
	tokName    pyTokKind = 'N'
	tokNumber  pyTokKind = '0'
	tokString  pyTokKind = 'S'
	tokOp      pyTokKind = 'O'
	tokComment pyTokKind = '#'
	tokNewline pyTokKind = 'L'
	tokIndent  pyTokKind = 'I' // the whitespace that starts a line, which Python reads as structure
)

type pyToken struct {
	kind pyTokKind
	text string
	line int
}

func (t pyToken) String() string { return fmt.Sprintf("%d:%c %q", t.line, t.kind, t.text) }

func pyTokenize(src string) ([]pyToken, error) {
	var out []pyToken
	line, i, lineStart := 1, 0, true
	emit := func(k pyTokKind, from int) { out = append(out, pyToken{k, src[from:i], line}) }
	for i < len(src) {
		c := src[i]
		if lineStart {
			from := i
			for i < len(src) && (src[i] == ' ' || src[i] == '\t') {
				i++
			}
			emit(tokIndent, from)
			lineStart = false
			continue
		}
		from := i
		switch {
		case c == '\n':
			i++
			emit(tokNewline, from)
			line++
			lineStart = true
		case c == ' ' || c == '\t':
			i++
		case c == '#':
			for i < len(src) && src[i] != '\n' {
				i++
			}
			emit(tokComment, from)
		case c == '\\':
			if i+1 >= len(src) || src[i+1] != '\n' {
				return nil, fmt.Errorf("line %d: a backslash outside a string that does not continue the line", line)
			}
			i += 2
			emit(tokOp, from)
			line++
		case isNameStart(c):
			for i < len(src) && (isNameStart(src[i]) || src[i] >= '0' && src[i] <= '9') {
				i++
			}
			if i < len(src) && (src[i] == '"' || src[i] == '\'') && isStringPrefix(src[from:i]) {
				n, lines, err := scanString(src[i:], strings.ContainsAny(src[from:i], "rR"))
				if err != nil {
					return nil, fmt.Errorf("line %d: %v", line, err)
				}
				i += n
				emit(tokString, from)
				line += lines
				continue
			}
			emit(tokName, from)
		case c >= '0' && c <= '9' || c == '.' && i+1 < len(src) && src[i+1] >= '0' && src[i+1] <= '9':
			for i < len(src) && (isNameStart(src[i]) || src[i] >= '0' && src[i] <= '9' || src[i] == '.' ||
				(src[i] == '+' || src[i] == '-') && (src[i-1] == 'e' || src[i-1] == 'E')) {
				i++
			}
			emit(tokNumber, from)
		case c == '"' || c == '\'':
			n, lines, err := scanString(src[i:], false)
			if err != nil {
				return nil, fmt.Errorf("line %d: %v", line, err)
			}
			i += n
			emit(tokString, from)
			line += lines
		case strings.IndexByte("()[]{}:,;.+-*/%<>=!&|^~@", c) >= 0:
			i++ // one character per token: the same text always splits the same way
			emit(tokOp, from)
		default:
			return nil, fmt.Errorf("line %d: unexpected %q outside a string", line, c)
		}
	}
	return out, nil
}

func isNameStart(c byte) bool { return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

func isStringPrefix(p string) bool {
	switch strings.ToLower(p) {
	case "r", "u", "f", "b", "br", "rb", "fr", "rf":
		return true
	}
	return false
}

// scanString measures the string literal at the start of s (its quotes, not its prefix):
// its length in bytes and the line breaks inside it. A backslash always takes the next
// character along (in raw strings too, where it stays in the value but still keeps a
// quote from closing the literal).
func scanString(s string, raw bool) (int, int, error) {
	q := s[:1]
	if strings.HasPrefix(s, q+q+q) {
		q = s[:3]
	}
	lines := 0
	for i := len(q); i < len(s); i++ {
		switch c := s[i]; {
		case c == '\\':
			if i+1 < len(s) && s[i+1] == '\n' {
				lines++
			}
			i++
		case c == '\n' && len(q) == 1:
			return 0, 0, fmt.Errorf("a line break inside a %s string", q)
		case c == '\n':
			lines++
		case strings.HasPrefix(s[i:], q):
			return i + len(q), lines, nil
		}
	}
	return 0, 0, fmt.Errorf("a string that never closes")
}

// pyUnquote is the value of a (non-raw, non-f) string literal's token, for the escapes
// Python defines.
func pyUnquote(tok string) (string, error) {
	body := strings.TrimLeft(tok, "uU")
	q := body[:1]
	if strings.HasPrefix(body, q+q+q) {
		q = body[:3]
	}
	if len(body) < 2*len(q) || !strings.HasSuffix(body, q) || strings.ContainsAny(tok[:len(tok)-len(body)], "rRfFbB") {
		return "", fmt.Errorf("not a plain string literal: %s", tok)
	}
	s := body[len(q) : len(body)-len(q)]
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '\\' {
			b.WriteByte(s[i])
			continue
		}
		i++
		if i >= len(s) {
			return "", fmt.Errorf("a trailing backslash")
		}
		simple := map[byte]string{'\\': `\`, '\'': `'`, '"': `"`, 'n': "\n", 't': "\t", 'r': "\r",
			'a': "\a", 'b': "\b", 'f': "\f", 'v': "\v", '\n': ""}
		if r, ok := simple[s[i]]; ok {
			b.WriteString(r)
			continue
		}
		width := map[byte]int{'x': 2, 'u': 4, 'U': 8}[s[i]]
		if width == 0 {
			return "", fmt.Errorf("an escape \\%c this decoder does not know", s[i])
		}
		if i+1+width > len(s) {
			return "", fmt.Errorf("a short \\%c escape", s[i])
		}
		n, err := strconv.ParseUint(s[i+1:i+1+width], 16, 32)
		if err != nil {
			return "", err
		}
		b.WriteRune(rune(n))
		i += width
	}
	return b.String(), nil
}

// compareCode checks that got is want's code with only the contents of string literals
// changed, and that every literal of got is printable ASCII and not an f-string (whose
// braces would run code). Names in renamed may differ (a class named after the spec),
// but only into another identifier.
func compareCode(want, got string, renamed map[string]bool) error {
	wt, err := pyTokenize(want)
	if err != nil {
		return fmt.Errorf("the benign module does not tokenize: %v", err)
	}
	gt, err := pyTokenize(got)
	if err != nil {
		return err
	}
	for i := 0; i < min(len(wt), len(gt)); i++ {
		w, g := wt[i], gt[i]
		switch {
		case w.kind != g.kind:
			return fmt.Errorf("token %d: expected %v, found %v", i, w, g)
		case w.kind == tokString:
			if strings.ContainsAny(g.text[:strings.IndexAny(g.text, `"'`)], "fF") && g.text != w.text {
				return fmt.Errorf("token %d: spec text in an f-string: %v", i, g)
			}
			for _, r := range g.text {
				if r >= utf8.RuneSelf || r < ' ' && r != '\n' || r == 0x7f {
					return fmt.Errorf("token %d: %q in a string literal: %v", i, r, g)
				}
			}
		case w.kind == tokName && renamed[w.text]:
			if pythonKeywords[g.text] || pyBuiltins[g.text] {
				return fmt.Errorf("token %d: %v renamed to a reserved name %v", i, w, g)
			}
		case w.text != g.text:
			return fmt.Errorf("token %d: expected %v, found %v", i, w, g)
		}
	}
	if len(wt) != len(gt) {
		return fmt.Errorf("%d tokens, expected %d", len(gt), len(wt))
	}
	return nil
}

func TestPyTokenize(t *testing.T) {
	toks, err := pyTokenize("class A(nn.Module):\n    \"\"\"doc \\\"\"\" here\n\"\"\"\n    x = f'{a}' + rb\"\\\"\" # c\n")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, tk := range toks {
		got = append(got, string(tk.kind)+tk.text)
	}
	want := []string{"I", "Nclass", "NA", "O(", "Nnn", "O.", "NModule", "O)", "O:", "L\n",
		"I    ", "S\"\"\"doc \\\"\"\" here\n\"\"\"", "L\n",
		"I    ", "Nx", "O=", "Sf'{a}'", "O+", "Srb\"\\\"\"", "## c", "L\n"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("tokens:\n got %q\nwant %q", got, want)
	}
	for _, bad := range []string{"x = 'a\n'", "x = \"\"\"a", "é = 1", "x = 1\r\n", "x = \\ 1"} {
		if _, err := pyTokenize(bad); err == nil {
			t.Errorf("%q tokenized", bad)
		}
	}
}

// TestPyString: pyString's literal decodes to the text, whatever it holds, and is
// printable ASCII; pyDocText inside triple quotes does the same.
func TestPyString(t *testing.T) {
	for _, s := range []string{"", "plain", `x""";import os;os.system("id>PWNED");"""`, "a\\", "\\\"", "'''",
		"tab\tnl\ncr\rnul\x00del\x7f", "é—ü 😀", "\u202e bidi", "\ufeff"} {
		for _, lit := range []string{pyString(s), `"""` + pyDocText(s) + `"""`} {
			toks, err := pyTokenize(lit)
			if err != nil || len(toks) != 2 || toks[1].kind != tokString {
				t.Errorf("%q as %s: tokens %v, %v", s, lit, toks, err)
				continue
			}
			v, err := pyUnquote(toks[1].text)
			if err != nil || v != s {
				t.Errorf("%q as %s decodes to %q, %v", s, lit, v, err)
			}
			if err := compareCode(`x = "a"`, "x = "+lit, nil); err != nil {
				t.Errorf("%q as %s: %v", s, lit, err)
			}
		}
	}
	if got := pyString("\xff"); got != `"\ufffd"` {
		t.Errorf("invalid UTF-8: %s", got)
	}
}
