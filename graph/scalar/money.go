package scalar

import (
	"io"
	"strconv"

	"github.com/99designs/gqlgen/graphql"

	"github.com/nanpiao/sbqw/apperr"
	"github.com/nanpiao/sbqw/money"
)

// MarshalMoney writes an amount as a string of yuan with two places: "1234.50".
func MarshalMoney(f money.Fen) graphql.Marshaler {
	return graphql.WriterFunc(func(w io.Writer) { _, _ = io.WriteString(w, strconv.Quote(f.String())) })
}

// UnmarshalMoney reads an amount only from a string (a JSON number would have passed through a
// float64 already), strictly as money.Parse does.
func UnmarshalMoney(v any) (money.Fen, error) {
	s, ok := v.(string)
	if !ok {
		return 0, apperr.Invalid("", "Money must be a string of yuan like \"1234.50\", got %T (金额须为字符串)", v)
	}
	f, err := money.Parse(s)
	if err != nil {
		return 0, apperr.Invalid("", "Money %q: %v", s, err)
	}
	return f, nil
}
