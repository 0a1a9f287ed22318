// Package names suggests the closest known name for a misspelt one ("did you mean").
package names

import "unicode/utf8"

// Suggest returns the candidate closest to name by edit distance when it is close enough to
// be a likely typo (within a third of the name's length, at least one and at most three
// edits), or "". Names shorter than three characters get no suggestion. Ties go to the
// alphabetically first candidate, so hints are stable. A candidate whose length differs
// by more than the limit cannot be that close and is skipped before the distance is
// computed, so a huge name costs one count of its characters.
func Suggest(name string, candidates []string) string {
	n := utf8.RuneCountInString(name)
	if n < 3 {
		return "" // one edit turns any short name into another: no signal
	}
	limit := min(3, max(1, n/3))
	best, bestD := "", limit+1
	for _, c := range candidates {
		if diff := utf8.RuneCountInString(c) - n; diff > limit || -diff > limit {
			continue
		}
		d := distance(name, c)
		if d < bestD || (d == bestD && c < best) {
			best, bestD = c, d
		}
	}
	return best
}

// distance is the Levenshtein distance with adjacent transpositions counted as one edit
// (optimal string alignment), so "kernal" is one edit from "kernel" and "strdie" one from
// "stride".
func distance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev2 := make([]int, len(rb)+1)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(rb)]
}
