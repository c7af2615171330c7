package scalar

import (
	"encoding/base64"
	"github.com/nanpiao/sbqw/apperr"
	"io"
	"strconv"
	"strings"

	"github.com/99designs/gqlgen/graphql"
)

// IDs are opaque to clients: base64url of "v1:<n>", where n is ent's global ID (every type has
// its own 2^32 range, so the number alone names the type). Clients must not build or parse them.
const idPrefix = "v1:"

// EncodeID turns an ent ID into the opaque string clients see.
func EncodeID(id int) string {
	return base64.RawURLEncoding.EncodeToString([]byte(idPrefix + strconv.Itoa(id)))
}

// DecodeID reverses EncodeID.
func DecodeID(s string) (int, error) {
	raw, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(s, "="))
	if err != nil || !strings.HasPrefix(string(raw), idPrefix) {
		return 0, invalidID(s)
	}
	n, err := strconv.Atoi(string(raw[len(idPrefix):]))
	if err != nil || n <= 0 {
		return 0, invalidID(s)
	}
	return n, nil
}

// MarshalID writes an opaque ID.
func MarshalID(id int) graphql.Marshaler {
	return graphql.WriterFunc(func(w io.Writer) { _, _ = io.WriteString(w, strconv.Quote(EncodeID(id))) })
}

// UnmarshalID reads an opaque ID.
func UnmarshalID(v any) (int, error) {
	s, ok := v.(string)
	if !ok {
		return 0, apperr.Invalid("", "ID must be a string, got %T (ID格式错误)", v)
	}
	return DecodeID(s)
}

func invalidID(s string) error {
	if len(s) > 40 {
		s = s[:40] + "…"
	}
	return apperr.Invalid("", "%q is not a valid ID (ID格式错误)", s)
}
