package testkit

import (
	"fmt"

	"github.com/nanpiao/sbqw/pii"
)

// IDNumber builds a valid synthetic ID number under Nanpiao's division code: birth as
// YYYYMMDD, seq 0–999 for the sequence digits (odd last digit for men, even for women).
func IDNumber(birth string, seq int, female bool) string {
	s := seq % 500 * 2
	if !female {
		s++
	}
	first17 := fmt.Sprintf("211404%s%03d", birth, s%1000)
	return first17 + string(pii.CheckChar(first17))
}
