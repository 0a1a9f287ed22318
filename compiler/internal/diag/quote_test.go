package diag

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestQuote(t *testing.T) {
	cases := []struct{ in, want string }{
		{"c * 2", `"c * 2"`},
		{strings.Repeat("a", MaxQuote), `"` + strings.Repeat("a", MaxQuote) + `"`},
		{strings.Repeat("1 + ", 200000) + "x", `"1 + 1 + 1 + 1 + 1 + 1 + 1 + 1…1 + 1 + 1 + 1 + 1 + 1 + 1 + x"`},
		{strings.Repeat("é", 100) + "\n", `"ééééééééééééééééééééééééééééé…éééééééééééééééééééééééééééé\n"`},
	}
	for _, c := range cases {
		if got := Quote(c.in); got != c.want {
			t.Errorf("Quote(%.20q…): got %s, want %s", c.in, got, c.want)
		}
		if got := Quote(c.in); utf8.RuneCountInString(got) > MaxQuote+4 {
			t.Errorf("Quote(%.20q…) is %d characters", c.in, utf8.RuneCountInString(got))
		}
	}
}
