package memplan

import "sort"

// A span is the byte range [lo, hi).
type span struct{ lo, hi int64 }

// spanSet is a union of byte ranges kept as sorted spans that neither overlap nor touch,
// so a stack of buffers placed one on top of the other is one span, however tall.
type spanSet []span

// add merges [lo, hi) into the set.
func (s *spanSet) add(lo, hi int64) {
	a := *s
	i := sort.Search(len(a), func(i int) bool { return a[i].hi >= lo }) // first span it touches
	j := i
	for j < len(a) && a[j].lo <= hi {
		lo, hi = min(lo, a[j].lo), max(hi, a[j].hi)
		j++
	}
	if i == j {
		a = append(a, span{})
		copy(a[i+1:], a[i:])
	} else {
		a = append(a[:i+1], a[j:]...)
	}
	a[i] = span{lo, hi}
	*s = a
}

// endAt is the end of the span that holds byte x, or -1 when no span does.
func (s spanSet) endAt(x int64) int64 {
	i := sort.Search(len(s), func(i int) bool { return s[i].hi > x })
	if i < len(s) && s[i].lo <= x {
		return s[i].hi
	}
	return -1
}

// startAfter is the lowest span start above x, or -1 when there is none.
func (s spanSet) startAfter(x int64) int64 {
	i := sort.Search(len(s), func(i int) bool { return s[i].lo > x })
	if i < len(s) {
		return s[i].lo
	}
	return -1
}

// top is the end of the highest span (0 for an empty set).
func (s spanSet) top() int64 {
	if len(s) == 0 {
		return 0
	}
	return s[len(s)-1].hi
}
