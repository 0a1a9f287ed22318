package names

import (
	"strings"
	"testing"
)

func TestSuggest(t *testing.T) {
	cases := []struct {
		name string
		want string
	}{
		{"kernal", "kernel"}, {"strdie", "stride"}, {"classe", "classes"}, {"xy", ""}, {"zzzzzz", ""},
		{strings.Repeat("k", 800_000), ""},
	}
	for _, c := range cases {
		if got := Suggest(c.name, []string{"kernel", "stride", "classes", "k"}); got != c.want {
			t.Errorf("Suggest(%.10q): got %q, want %q", c.name, got, c.want)
		}
	}
}

// TestSuggestHugeNameIsCheap: an 800 KB name against a thousand candidates neither takes
// time nor memory in proportion to name × candidates (the length check skips them).
func TestSuggestHugeNameIsCheap(t *testing.T) {
	huge := strings.Repeat("a", 800_000)
	candidates := make([]string, 1000)
	for i := range candidates {
		candidates[i] = "candidate"
	}
	allocs := testing.AllocsPerRun(3, func() { Suggest(huge, candidates) })
	if allocs > 0 {
		t.Errorf("Suggest allocated %v times for a name that no candidate's length allows", allocs)
	}
}
