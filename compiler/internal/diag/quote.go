package diag

import (
	"strconv"
	"unicode/utf8"
)

// MaxQuote is how many characters of a user's text a message quotes: enough to recognize
// an expression or a name, short enough that an 800 KB expression gives a one-line error.
const MaxQuote = 60

// Quote is s in Go quotes, as %q writes it, with the middle elided ("…") when s is
// longer than MaxQuote characters: the start and the end usually tell which text it is,
// and the position says exactly where.
func Quote(s string) string { return strconv.Quote(Clip(s)) }

// Clip is s with the middle elided ("…") when s is longer than MaxQuote characters.
func Clip(s string) string {
	n := utf8.RuneCountInString(s)
	if n <= MaxQuote {
		return s
	}
	keep := (MaxQuote - 1) / 2
	return prefix(s, keep) + "…" + suffix(s, n, keep)
}

// prefix is the first k characters of s.
func prefix(s string, k int) string {
	i := 0
	for range k {
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
	}
	return s[:i]
}

// suffix is the last k characters of s, which has n.
func suffix(s string, n, k int) string {
	i := len(s)
	for range min(k, n) {
		_, size := utf8.DecodeLastRuneInString(s[:i])
		i -= size
	}
	return s[i:]
}
