package report

import (
	"fmt"
	"strconv"

	"github.com/netc/netc/internal/units"
)

// Commas writes an integer with thousands separators: 46,764,746.
func Commas(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := n < 0
	if neg {
		s = s[1:]
	}
	var out []byte
	for i := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			out = append(out, ',')
		}
		out = append(out, s[i])
	}
	if neg {
		return "-" + string(out)
	}
	return string(out)
}

// Human writes a count with a decimal SI suffix: 1.88 G.
func Human(x float64) string {
	switch {
	case x >= 1e12:
		return fmt.Sprintf("%.2f T", x/1e12)
	case x >= 1e9:
		return fmt.Sprintf("%.2f G", x/1e9)
	case x >= 1e6:
		return fmt.Sprintf("%.2f M", x/1e6)
	case x >= 1e3:
		return fmt.Sprintf("%.2f k", x/1e3)
	}
	return fmt.Sprintf("%.0f", x)
}

// Bytes formats a byte count (see units.Bytes).
func Bytes(n int64) string { return units.Bytes(n) }
