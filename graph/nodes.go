package graph

import (
	"context"
	"errors"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/nanpiao/sbqw/apperr"
	"github.com/nanpiao/sbqw/ent"
)

// lookupNodes answers nodes(ids:) with each distinct ID looked up once and ONE error for all
// the IDs that name nothing the caller can see: entgql's Noders reports an error per element,
// so one unknown ID sent 1,000 times would answer 1,000 errors (and log lines). Missing
// elements are null, as the Node interface's nodes field promises.
func lookupNodes(ctx context.Context, client *ent.Client, ids []int) ([]ent.Noder, error) {
	byID, missing, distinct, err := findNodes(ctx, client, ids)
	if err != nil {
		return nil, err
	}
	out := make([]ent.Noder, len(ids))
	for i, id := range ids {
		out[i] = byID[id]
	}
	if missing > 0 {
		graphql.AddError(ctx, apperr.NotFoundf("%d of the %d distinct IDs name no record you can see; their elements are null (记录不存在)", missing, distinct))
	}
	return out, nil
}

// findNodes looks each distinct ID up once, through the privacy rules, and returns the records
// found by ID and how many of the distinct IDs name nothing the caller can see.
func findNodes(ctx context.Context, client *ent.Client, ids []int) (byID map[int]ent.Noder, missing, distinct int, err error) {
	unique := make([]int, 0, len(ids))
	seen := make(map[int]bool, len(ids))
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			unique = append(unique, id)
		}
	}
	// Noders adds its per-element errors to the response in ctx; collect them apart, unpresented.
	sub := graphql.WithResponseContext(ctx, func(_ context.Context, err error) *gqlerror.Error {
		return gqlerror.WrapIfUnwrapped(err)
	}, nil)
	found, err := client.Noders(sub, unique)
	if err != nil { // one ID alone is looked up with Noder, whose error comes back here
		if !notFound(err) {
			return nil, 0, 0, err
		}
		found, missing = nil, len(unique)
	}
	for _, e := range graphql.GetErrors(sub) {
		if inner := errors.Unwrap(e); inner != nil {
			if !notFound(inner) {
				return nil, 0, 0, inner // the database failed: the field fails, once
			}
		}
		missing++
	}
	byID = make(map[int]ent.Noder, len(unique))
	for i, n := range found {
		if n != nil {
			byID[unique[i]] = n
		}
	}
	return byID, missing, len(unique), nil
}

// notFound tells the errors the presenter answers NOT_FOUND for (see httpapi's classify) from
// a failing database.
func notFound(err error) bool {
	if ae, ok := apperr.As(err); ok {
		return ae.Code == apperr.NotFound
	}
	return ent.IsNotFound(err)
}
