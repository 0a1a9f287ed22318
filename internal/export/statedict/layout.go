package statedict

import (
	"cmp"
	"fmt"
	"slices"
)

// span is where one tensor's bytes lie in the data section.
type span struct {
	name       string
	begin, end int64
}

// checkLayout refuses a data section whose tensors do not tile it exactly: taken by
// offset they must start at 0, follow one another without gap or overlap, and end at
// its last byte. Without this, entries that all point at the same bytes make the
// reader allocate the data section once per entry (a 16 MB file with 1000 such entries
// asks for 16 GB); with it, the tensors together never need more than the file holds.
func checkLayout(spans []span, dataLen int64) error {
	sorted := slices.Clone(spans)
	slices.SortStableFunc(sorted, func(a, b span) int {
		return cmp.Or(cmp.Compare(a.begin, b.begin), cmp.Compare(a.end, b.end))
	})
	next := int64(0)
	for i, s := range sorted {
		switch {
		case s.begin < next:
			return fmt.Errorf("tensor %q: data_offsets [%d, %d] overlap tensor %q's [%d, %d]", s.name, s.begin, s.end, sorted[i-1].name, sorted[i-1].begin, sorted[i-1].end)
		case s.begin > next:
			return fmt.Errorf("tensor %q: data_offsets [%d, %d] leave bytes %d to %d unused (tensors must follow one another)", s.name, s.begin, s.end, next, s.begin)
		}
		next = s.end
	}
	if next != dataLen {
		return fmt.Errorf("the tensors end at byte %d of the %d-byte data section", next, dataLen)
	}
	return nil
}
