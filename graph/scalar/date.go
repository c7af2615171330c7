// Package scalar holds the custom GraphQL scalars: opaque IDs and calendar dates.
package scalar

import (
	"github.com/nanpiao/sbqw/apperr"
	"io"
	"strconv"
	"time"

	"github.com/99designs/gqlgen/graphql"
)

// DateLayout is how a Date is written on the wire: ISO 8601 calendar date.
const DateLayout = "2006-01-02"

// MarshalDate writes a date as "2006-01-02". Dates are stored at UTC midnight.
func MarshalDate(t time.Time) graphql.Marshaler {
	return graphql.WriterFunc(func(w io.Writer) {
		_, _ = io.WriteString(w, strconv.Quote(t.UTC().Format(DateLayout)))
	})
}

// UnmarshalDate reads "2006-01-02" (a full RFC 3339 time is refused, to keep dates unambiguous).
func UnmarshalDate(v any) (time.Time, error) {
	s, ok := v.(string)
	if !ok {
		return time.Time{}, apperr.Invalid("", "Date must be a string like 2024-01-31, got %T (日期格式错误)", v)
	}
	t, err := time.Parse(DateLayout, s)
	if err != nil {
		return time.Time{}, apperr.Invalid("", "Date must look like 2024-01-31, got %q (日期格式错误)", s)
	}
	if t.Year() < 1900 || t.Year() > 2100 {
		return time.Time{}, apperr.Invalid("", "Date %q is out of range 1900–2100 (日期超出范围)", s)
	}
	return t, nil
}
