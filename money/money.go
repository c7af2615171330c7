// Package money holds amounts of renminbi exactly, as an integer number of fen (分, 0.01 yuan).
//
// Amounts are never floating point: a float cannot hold 0.10 exactly, and sums of thousands of
// project investments must agree to the fen with the ledgers they come from. On the wire an
// amount is a decimal string of yuan with exactly two places ("1234.50", "-0.05"); Parse reads
// that form strictly.
package money

import (
	"errors"
	"math"
	"strconv"
	"strings"
)

// Fen is an amount of money in fen (分): 100 fen make one yuan (元).
type Fen int64

// Yuan is n whole yuan.
func Yuan(n int64) Fen { return Fen(n * 100) }

// ErrSyntax: the text is not an amount of the form "1234.50".
var ErrSyntax = errors.New("an amount is yuan with at most two decimal places, like \"1234.50\" (金额格式错误)")

// ErrRange: the amount does not fit in 64 bits of fen.
var ErrRange = errors.New("the amount is too large (金额超出范围)")

// Parse reads yuan written in decimal: an optional minus sign, digits, and optionally a point
// with one or two digits ("12", "12.5", "12.50", "-0.05"). Anything else — a plus sign, an
// exponent, spaces, separators, NaN or Infinity, a third decimal — is refused rather than
// rounded.
func Parse(s string) (Fen, error) {
	neg := strings.HasPrefix(s, "-")
	if neg {
		s = s[1:]
	}
	whole, frac, dotted := strings.Cut(s, ".")
	if whole == "" || !digits(whole) || (dotted && (frac == "" || len(frac) > 2 || !digits(frac))) {
		return 0, ErrSyntax
	}
	for len(frac) < 2 {
		frac += "0"
	}
	w, err := strconv.ParseInt(whole, 10, 64)
	f, _ := strconv.ParseInt(frac, 10, 64)
	if err != nil || w > (math.MaxInt64-f)/100 {
		return 0, ErrRange
	}
	v := Fen(w*100 + f)
	if neg {
		v = -v
	}
	return v, nil
}

func digits(s string) bool {
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// String writes the amount as yuan with exactly two decimal places: "1234.50", "-0.05".
func (f Fen) String() string {
	n := int64(f)
	sign := ""
	u := uint64(n)
	if n < 0 {
		sign, u = "-", uint64(-n) // -MinInt64 wraps to itself; as uint64 it is the right magnitude
	}
	frac := u % 100
	return sign + strconv.FormatUint(u/100, 10) + "." + string(rune('0'+frac/10)) + string(rune('0'+frac%10))
}

// Sum adds amounts, reporting ErrRange instead of wrapping around on overflow.
func Sum(amounts ...Fen) (Fen, error) {
	var total Fen
	for _, a := range amounts {
		s := total + a
		if (a > 0 && s < total) || (a < 0 && s > total) {
			return 0, ErrRange
		}
		total = s
	}
	return total, nil
}

// PerUnit divides an amount among n units, rounding half away from zero to the fen (an
// average income gain per household); ok is false when n is not positive.
func PerUnit(total Fen, n int64) (Fen, bool) {
	if n <= 0 {
		return 0, false
	}
	q, r := int64(total)/n, int64(total)%n
	if r < 0 {
		r = -r
	}
	if 2*r >= n {
		if total < 0 {
			q--
		} else {
			q++
		}
	}
	return Fen(q), true
}
