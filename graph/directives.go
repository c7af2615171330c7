package graph

import (
	"context"
	"fmt"
	"reflect"
	"strings"

	"github.com/99designs/gqlgen/graphql"

	"github.com/nanpiao/sbqw/authz"
)

// scoped implements @scoped (directives.graphqls): every nested filter of a has…With field gets
// the caller's read filter for its type. It runs whenever gqlgen decodes the input — for the
// resolvers' arguments and for entgql's eager loading alike.
func scoped(ctx context.Context, _ any, next graphql.Resolver) (any, error) {
	v, err := next(ctx)
	if err != nil || v == nil {
		return v, err
	}
	list := reflect.ValueOf(v)
	if list.Kind() != reflect.Slice {
		return nil, fmt.Errorf("@scoped on a non-list input (%T)", v)
	}
	for i := 0; i < list.Len(); i++ {
		if err := restrict(ctx, list.Index(i)); err != nil {
			return nil, err
		}
	}
	return v, nil
}

// restrict calls AddPredicates(predicate.X(filter)) on a generated *XWhereInput.
func restrict(ctx context.Context, where reflect.Value) error {
	if where.IsNil() {
		return nil
	}
	entType := strings.TrimSuffix(where.Elem().Type().Name(), "WhereInput")
	add := where.MethodByName("AddPredicates")
	if !add.IsValid() {
		return fmt.Errorf("@scoped: %s has no AddPredicates", where.Type())
	}
	predType := add.Type().In(0).Elem() // func(*sql.Selector) under the name predicate.X
	filter := reflect.ValueOf(authz.ReadFilter(ctx, entType)).Convert(predType)
	add.Call([]reflect.Value{filter})
	return nil
}
