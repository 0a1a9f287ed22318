package statedict

import "strconv"

// nameOrder is the order two sibling module names state by themselves: -1 or 1 when
// they differ first in a number ("features.9" before "features.10", "conv1" before
// "conv2", "branch1" before "branch2"), the way people number modules in sequence; 0
// when they differ first in anything else ("bn1" and "layer1", "conv3" and "downsample",
// "block_x" and "block_y"), which says nothing of which runs first.
func nameOrder(a, b string) int {
	ta, tb := tokens(a), tokens(b)
	for i := 0; i < len(ta) && i < len(tb); i++ {
		if ta[i] == tb[i] {
			continue
		}
		x, errX := strconv.ParseUint(ta[i], 10, 64)
		y, errY := strconv.ParseUint(tb[i], 10, 64)
		if errX == nil && errY == nil && x != y {
			if x < y {
				return -1
			}
			return 1
		}
		return 0
	}
	return 0
}

func isLetter(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// tokens splits a name into runs of digits, runs of letters, and single other characters.
func tokens(s string) []string {
	var out []string
	for i := 0; i < len(s); {
		j := i + 1
		switch {
		case isDigit(s[i]):
			for j < len(s) && isDigit(s[j]) {
				j++
			}
		case isLetter(s[i]):
			for j < len(s) && isLetter(s[j]) {
				j++
			}
		}
		out = append(out, s[i:j])
		i = j
	}
	return out
}
