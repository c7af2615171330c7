// Package gqllist marshals the lists of a GraphQL response. gqlgen marshals every element of a
// list of objects on a goroutine of its own (graphql.MarshalSliceConcurrently), so that
// resolvers which batch through a data loader see their siblings' keys together. Most lists
// here select nothing that waits: ent loads the edges beneath a connection with the
// connection's own statements (entgql field collection), and the fields below are struct
// fields or ent's edge methods returning what was loaded. For those, a goroutine per element
// only costs — its start, its stack growing through gqlgen's execution, the scheduler — about
// half of the CPU of a nested read. Marshal runs such lists one element after another on the
// caller's goroutine, and keeps gqlgen's concurrent marshalling for a list under which any
// selected field may wait: a resolver, a method of a non-ent type taking a context, or a
// deferred fragment.
package gqllist

import (
	"context"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
)

// Marshal marshals length elements with f, as graphql.MarshalSliceConcurrently does (the same
// element field contexts, so errors carry the element's index in their path, and the same
// panic recovery), but sequentially when no field selected under sel is in concurrent.
// concurrent holds "Type.field" for the fields that may wait (generated with the schema code,
// graph/gqlgenerate); a field selected on an interface is listed under the interface when it
// may wait on any implementation.
func Marshal(
	ctx context.Context,
	concurrent map[string]bool,
	sel ast.SelectionSet,
	length int,
	workerLimit int64,
	omitPanicHandler bool,
	f func(ctx context.Context, i int) graphql.Marshaler,
) graphql.Array {
	if length <= 1 || NeedsConcurrency(concurrent, sel) {
		return graphql.MarshalSliceConcurrently(ctx, length, workerLimit, omitPanicHandler, f)
	}
	ret := make(graphql.Array, length)
	fcs := make([]graphql.FieldContext, length)
	idx := make([]int, length)
	for i := range length {
		idx[i] = i
		fcs[i].Index = &idx[i]
		childCtx := graphql.WithFieldContext(ctx, &fcs[i])
		if omitPanicHandler {
			ret[i] = f(childCtx, i)
			continue
		}
		func() {
			defer func() {
				if r := recover(); r != nil {
					graphql.AddError(childCtx, graphql.Recover(childCtx, r))
					ret[i] = graphql.Null
				}
			}()
			ret[i] = f(childCtx, i)
		}()
	}
	return ret
}

// NeedsConcurrency reports whether any field selected under sel, through fragments, is in
// concurrent, or any fragment under sel is deferred.
func NeedsConcurrency(concurrent map[string]bool, sel ast.SelectionSet) bool {
	for _, s := range sel {
		switch s := s.(type) {
		case *ast.Field:
			if s.ObjectDefinition == nil || concurrent[s.ObjectDefinition.Name+"."+s.Name] {
				return true
			}
			if NeedsConcurrency(concurrent, s.SelectionSet) {
				return true
			}
		case *ast.InlineFragment:
			if s.Directives.ForName("defer") != nil || NeedsConcurrency(concurrent, s.SelectionSet) {
				return true
			}
		case *ast.FragmentSpread:
			if s.Directives.ForName("defer") != nil || s.Definition == nil || NeedsConcurrency(concurrent, s.Definition.SelectionSet) {
				return true
			}
		default:
			return true
		}
	}
	return false
}
