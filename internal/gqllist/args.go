package gqllist

import (
	"context"
	"sync"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
)

// An operation's field arguments depend only on the field in the document and the operation's
// variables, yet gqlgen unmarshals them again for every object the field is resolved on: a
// township's 20 villages each unmarshal `households(first: 10, where: {needy: true})`. With
// WithArgs on the operation's context, Args unmarshals a field's arguments once per operation
// and hands the same values to every object (the resolvers only read them).

type argsKey struct{}

type argsCache struct {
	mu sync.Mutex
	m  map[*ast.Field]map[string]any
}

// WithArgs gives one operation its cache of unmarshalled field arguments.
func WithArgs(ctx context.Context) context.Context {
	return context.WithValue(ctx, argsKey{}, &argsCache{m: map[*ast.Field]map[string]any{}})
}

// Args returns parse(ctx, field's arguments under vars), unmarshalled once per operation when
// the context has WithArgs. A failure is not kept: its error names the path of the object it
// was met on, so every object reports its own.
func Args(
	ctx context.Context,
	field graphql.CollectedField,
	vars map[string]any,
	parse func(context.Context, map[string]any) (map[string]any, error),
) (map[string]any, error) {
	c, _ := ctx.Value(argsKey{}).(*argsCache)
	if c == nil || field.Field == nil {
		return parse(ctx, field.ArgumentMap(vars))
	}
	c.mu.Lock()
	args, ok := c.m[field.Field]
	c.mu.Unlock()
	if ok {
		return args, nil
	}
	args, err := parse(ctx, field.ArgumentMap(vars))
	if err != nil {
		return args, err
	}
	c.mu.Lock()
	c.m[field.Field] = args
	c.mu.Unlock()
	return args, nil
}
