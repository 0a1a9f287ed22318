package expr

import (
	"fmt"
	"unicode/utf8"

	"github.com/netc/netc/compiler/internal/diag"
)

type tokKind int

const (
	tEOF tokKind = iota
	tInt
	tFloat
	tName
	tOp
)

type token struct {
	kind tokKind
	text string
	off  int
}

func (t token) String() string {
	switch t.kind {
	case tEOF:
		return "the end of the expression"
	case tInt, tFloat:
		return "number " + diag.Clip(t.text)
	case tName:
		return "name " + diag.Quote(t.text)
	}
	return diag.Quote(t.text)
}

// twoCharOps are matched before single characters.
var twoCharOps = []string{"//", "<=", ">=", "==", "!=", "&&", "||"}

const oneCharOps = "+-*/%<>!?:()[].,"

func lex(src string) ([]token, *Error) {
	var toks []token
	i := 0
	for i < len(src) {
		c := src[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case c >= '0' && c <= '9':
			j := i
			for j < len(src) && (src[j] >= '0' && src[j] <= '9' || src[j] == '_') {
				j++
			}
			kind := tInt
			if j+1 < len(src) && src[j] == '.' && isDigit(src[j+1]) {
				kind, j = tFloat, j+1
				for j < len(src) && (isDigit(src[j]) || src[j] == '_') {
					j++
				}
			}
			if j < len(src) && (src[j] == 'e' || src[j] == 'E') {
				k := j + 1
				if k < len(src) && (src[k] == '+' || src[k] == '-') {
					k++
				}
				if k < len(src) && isDigit(src[k]) {
					kind, j = tFloat, k
					for j < len(src) && isDigit(src[j]) {
						j++
					}
				}
			}
			toks = append(toks, token{kind, stripUnderscores(src[i:j]), i})
			i = j
		case isNameStart(c):
			j := i
			for j < len(src) && isNamePart(src[j]) {
				j++
			}
			toks = append(toks, token{tName, src[i:j], i})
			i = j
		default:
			matched := false
			for _, op := range twoCharOps {
				if len(src)-i >= 2 && src[i:i+2] == op {
					toks = append(toks, token{tOp, op, i})
					i += 2
					matched = true
					break
				}
			}
			if matched {
				continue
			}
			if c == '=' {
				return nil, &Error{i, "'=' is not a comparison; write '=='"}
			}
			if c == '&' {
				return nil, &Error{i, "write '&&' for logical and"}
			}
			if c == '|' {
				return nil, &Error{i, "write '||' for logical or"}
			}
			for k := 0; k < len(oneCharOps); k++ {
				if oneCharOps[k] == c {
					toks = append(toks, token{tOp, string(c), i})
					i++
					matched = true
					break
				}
			}
			if !matched {
				r, _ := utf8.DecodeRuneInString(src[i:])
				return nil, &Error{i, fmt.Sprintf("unexpected character %q", r)}
			}
		}
	}
	return append(toks, token{tEOF, "", len(src)}), nil
}

func isDigit(c byte) bool     { return c >= '0' && c <= '9' }
func isNameStart(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' }
func isNamePart(c byte) bool  { return isNameStart(c) || c >= '0' && c <= '9' }

func stripUnderscores(s string) string {
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if s[i] != '_' {
			out = append(out, s[i])
		}
	}
	return string(out)
}
