package scalar

import (
	"io"
	"time"

	"entgo.io/contrib/entgql"
	"github.com/99designs/gqlgen/graphql"

	"github.com/nanpiao/sbqw/apperr"
)

// Cursor wraps entgql's cursor so that a cursor a client mangled is BAD_USER_INPUT.
func MarshalCursor(c entgql.Cursor[int]) graphql.Marshaler {
	return graphql.WriterFunc(func(w io.Writer) { c.MarshalGQL(w) })
}

// UnmarshalCursor reads a cursor returned by an earlier page.
func UnmarshalCursor(v any) (entgql.Cursor[int], error) {
	var c entgql.Cursor[int]
	if err := c.UnmarshalGQL(v); err != nil {
		return c, apperr.Invalid("", "not a cursor returned by this API (分页游标无效)")
	}
	return c, nil
}

// MarshalTime writes a point in time in RFC 3339 with nanoseconds, in UTC.
func MarshalTime(t time.Time) graphql.Marshaler { return graphql.MarshalTime(t.UTC()) }

// UnmarshalTime reads an RFC 3339 time such as 2026-01-31T08:00:00Z or …+08:00.
func UnmarshalTime(v any) (time.Time, error) {
	t, err := graphql.UnmarshalTime(v)
	if err != nil {
		return t, apperr.Invalid("", "Time must be RFC 3339, e.g. 2026-01-31T08:00:00+08:00 (时间格式错误)")
	}
	return t.UTC(), nil
}
