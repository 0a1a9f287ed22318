// Package units formats quantities for people: byte sizes in binary units.
package units

import "fmt"

// Bytes formats n bytes with two decimals in the largest binary unit it reaches
// (B, KiB, MiB, GiB).
func Bytes(n int64) string {
	x := float64(n)
	switch {
	case x >= 1<<30:
		return fmt.Sprintf("%.2f GiB", x/(1<<30))
	case x >= 1<<20:
		return fmt.Sprintf("%.2f MiB", x/(1<<20))
	case x >= 1<<10:
		return fmt.Sprintf("%.2f KiB", x/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}
