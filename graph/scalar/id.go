package scalar

import (
	"encoding/base64"
	"fmt"
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
		return 0, fmt.Errorf("%q is not a valid ID", s)
	}
	n, err := strconv.Atoi(string(raw[len(idPrefix):]))
	if err != nil || n <= 0 {
		return 0, fmt.Errorf("%q is not a valid ID", s)
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
		return 0, fmt.Errorf("ID must be a string, got %T", v)
	}
	return DecodeID(s)
}
