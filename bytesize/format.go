package bytesize

import "fmt"

// Format shows n in B, KiB, MiB or GiB: whole KiB and MiB (limits are
// usually round), one decimal in GiB ("1023 B", "64 KiB", "200 MiB",
// "1.5 GiB").
func Format(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.0f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.0f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}
