package graph

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// PageLimits gives every connection a bounded page: a connection asked for without first/last
// gets `first: Default`, and first/last above Max are refused before any SQL runs.
//
// The defaults are written into (a copy of) the operation rather than into each resolver, so
// that entgql's eager loading of nested connections — which reads the arguments from the
// operation, not from the resolvers — loads bounded pages too.
type PageLimits struct {
	Default int
	Max     int
}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
} = PageLimits{}

func (PageLimits) ExtensionName() string                          { return "PageLimits" }
func (PageLimits) Validate(schema graphql.ExecutableSchema) error { return nil }

// MutateOperationContext rewrites the operation about to run. Parsed documents are cached and
// shared between requests, so the rewrite works on a copy.
func (p PageLimits) MutateOperationContext(_ context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	if oc.Operation == nil {
		return nil
	}
	w := pageWalker{limits: p, vars: oc.Variables}
	op := *oc.Operation
	op.SelectionSet = w.selections(oc.Operation.SelectionSet)
	frags := make(ast.FragmentDefinitionList, len(oc.Doc.Fragments))
	for i, f := range oc.Doc.Fragments {
		nf := *f
		nf.SelectionSet = w.selections(f.SelectionSet)
		frags[i] = &nf
	}
	if w.err != nil {
		return w.err
	}
	doc := *oc.Doc
	doc.Operations = ast.OperationList{&op}
	doc.Fragments = frags
	oc.Doc, oc.Operation = &doc, &op
	return nil
}

type pageWalker struct {
	limits PageLimits
	vars   map[string]any
	err    *gqlerror.Error
}

func (w *pageWalker) selections(set ast.SelectionSet) ast.SelectionSet {
	if set == nil {
		return nil
	}
	out := make(ast.SelectionSet, len(set))
	for i, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			f := *s
			f.Arguments = w.pageArguments(s)
			f.SelectionSet = w.selections(s.SelectionSet)
			out[i] = &f
		case *ast.InlineFragment:
			f := *s
			f.SelectionSet = w.selections(s.SelectionSet)
			out[i] = &f
		default: // fragment spreads are resolved by name against the copied fragments
			out[i] = sel
		}
	}
	return out
}

// isConnection: a field returning a Relay connection with first/last arguments.
func isConnection(f *ast.Field) bool {
	if f.Definition == nil || f.Definition.Type == nil || !strings.HasSuffix(f.Definition.Type.Name(), "Connection") {
		return false
	}
	return f.Definition.Arguments.ForName("first") != nil && f.Definition.Arguments.ForName("last") != nil
}

func (w *pageWalker) pageArguments(f *ast.Field) ast.ArgumentList {
	if !isConnection(f) {
		return f.Arguments
	}
	first, hasFirst := w.intArg(f, "first")
	last, hasLast := w.intArg(f, "last")
	for _, a := range []struct {
		name string
		n    int
		set  bool
	}{{"first", first, hasFirst}, {"last", last, hasLast}} {
		if a.set && a.n > w.limits.Max && w.err == nil {
			w.err = &gqlerror.Error{
				Message:    a.name + " on " + f.Name + " must be at most " + strconv.Itoa(w.limits.Max) + " (每页最多" + strconv.Itoa(w.limits.Max) + "条)",
				Path:       ast.Path{ast.PathName(f.Alias)},
				Locations:  []gqlerror.Location{{Line: f.Position.Line, Column: f.Position.Column}},
				Extensions: map[string]any{"code": "BAD_USER_INPUT", "field": a.name},
			}
		}
	}
	if hasFirst || hasLast {
		return f.Arguments
	}
	args := make(ast.ArgumentList, 0, len(f.Arguments)+1)
	for _, a := range f.Arguments {
		if a.Name != "first" && a.Name != "last" { // drop arguments bound to null variables
			args = append(args, a)
		}
	}
	return append(args, &ast.Argument{
		Name:     "first",
		Value:    &ast.Value{Kind: ast.IntValue, Raw: strconv.Itoa(w.limits.Default), Position: f.Position},
		Position: f.Position,
	})
}

// intArg reads an integer argument given literally or through a variable; a null counts as
// not given.
func (w *pageWalker) intArg(f *ast.Field, name string) (int, bool) {
	arg := f.Arguments.ForName(name)
	if arg == nil || arg.Value == nil {
		return 0, false
	}
	v, err := arg.Value.Value(w.vars)
	if err != nil || v == nil {
		return 0, false
	}
	switch n := v.(type) {
	case int64:
		return int(n), true
	case int:
		return n, true
	case float64:
		return int(n), true
	case json.Number:
		i, err := n.Int64()
		return int(i), err == nil
	}
	return 0, false
}
