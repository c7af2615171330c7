package gqllist_test

import (
	"context"
	"errors"
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/nanpiao/sbqw/internal/gqllist"
)

// TestArgsOncePerOperation: under WithArgs a field's arguments are parsed once and the same
// values returned for every object; a failure is parsed again each time (its error carries the
// object's path); without WithArgs every call parses.
func TestArgsOncePerOperation(t *testing.T) {
	field := graphql.CollectedField{Field: &ast.Field{Name: "households",
		Arguments:  ast.ArgumentList{{Name: "first", Value: &ast.Value{Kind: ast.Variable, Raw: "m"}}},
		Definition: &ast.FieldDefinition{Name: "households", Arguments: ast.ArgumentDefinitionList{{Name: "first", Type: ast.NamedType("Int", nil)}}},
	}}
	parses := 0
	parse := func(_ context.Context, raw map[string]any) (map[string]any, error) {
		parses++
		if raw["first"] == int64(-1) {
			return nil, errors.New("first must not be negative")
		}
		return map[string]any{"first": raw["first"]}, nil
	}
	vars := map[string]any{"m": int64(10)}

	op := gqllist.WithArgs(context.Background())
	a, err := gqllist.Args(op, field, vars, parse)
	if err != nil || a["first"] != int64(10) {
		t.Fatalf("first call: %v, %v", a, err)
	}
	b, err := gqllist.Args(op, field, vars, parse)
	if err != nil || b["first"] != int64(10) || parses != 1 {
		t.Fatalf("second call: %v, %v after %d parses, want 1", b, err, parses)
	}

	other := gqllist.WithArgs(context.Background()) // another operation, other variables
	if c, _ := gqllist.Args(other, field, map[string]any{"m": int64(3)}, parse); c["first"] != int64(3) || parses != 2 {
		t.Fatalf("another operation got %v after %d parses", c, parses)
	}

	bad := gqllist.WithArgs(context.Background())
	for i := 0; i < 2; i++ {
		if _, err := gqllist.Args(bad, field, map[string]any{"m": int64(-1)}, parse); err == nil {
			t.Fatal("a failed parse was not reported")
		}
	}
	if parses != 4 {
		t.Fatalf("%d parses: a failure must be parsed again for every object", parses)
	}

	for i := 0; i < 2; i++ {
		if _, err := gqllist.Args(context.Background(), field, vars, parse); err != nil {
			t.Fatal(err)
		}
	}
	if parses != 6 {
		t.Fatalf("%d parses: without WithArgs every call parses", parses)
	}
}
