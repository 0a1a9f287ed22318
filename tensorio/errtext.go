package tensorio

import (
	"encoding/json"
	"fmt"
	"unicode/utf8"
)

// Errors quote names, keys and values from the file; a hostile file can make them
// megabytes long, so they are quoted at most this long.
const maxQuoted = 64

// short returns s, or its first maxQuoted bytes (whole characters) and "…".
func short(s string) string {
	if len(s) <= maxQuoted {
		return s
	}
	cut := maxQuoted
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

// shortToken is a JSON token for an error message, a long string shortened.
func shortToken(tok json.Token) any {
	if s, ok := tok.(string); ok {
		return short(s)
	}
	return tok
}

// shapeText prints a shape as %v does, with at most 8 dimensions shown: a file may
// announce thousands.
func shapeText(shape []int64) string {
	if len(shape) <= 8 {
		return fmt.Sprint(shape)
	}
	return fmt.Sprintf("%v… (%d dimensions)", shape[:8], len(shape))
}
