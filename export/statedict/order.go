package statedict

import (
	"strconv"
	"strings"
)

// naturalLess orders module paths segment by segment, comparing numeric segments as
// numbers: "features.2" before "features.10", as nn.Sequential registers them.
func naturalLess(a, b string) bool {
	as, bs := strings.Split(a, "."), strings.Split(b, ".")
	for i := 0; i < len(as) && i < len(bs); i++ {
		if as[i] == bs[i] {
			continue
		}
		x, errX := strconv.Atoi(as[i])
		y, errY := strconv.Atoi(bs[i])
		switch {
		case errX == nil && errY == nil:
			return x < y
		case errX == nil: // numbers before names
			return true
		case errY == nil:
			return false
		}
		return as[i] < bs[i]
	}
	return len(as) < len(bs)
}
