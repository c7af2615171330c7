package graph

import (
	"context"
	"time"

	"github.com/vikstrous/dataloadgen"

	"github.com/nanpiao/sbqw/ent"
	"github.com/nanpiao/sbqw/ent/post"
)

// loaders batch per-row lookups of computed fields within one request, so that a page of 50
// members asks the database once, not 50 times. They read through ent with the caller's
// context, so the same scope rules apply.
type loaders struct {
	hasPost *dataloadgen.Loader[int, bool]
}

type loadersKey struct{}

func withLoaders(ctx context.Context, client *ent.Client) context.Context {
	l := &loaders{
		hasPost: dataloadgen.NewMappedLoader(func(ctx context.Context, memberIDs []int) (map[int]bool, error) {
			return membersWithPostToday(ctx, client, memberIDs)
		}, dataloadgen.WithWait(time.Millisecond)),
	}
	return context.WithValue(ctx, loadersKey{}, l)
}

func loadersFrom(ctx context.Context) *loaders { return ctx.Value(loadersKey{}).(*loaders) }

// membersWithPostToday: members among ids holding a post whose dates include today.
func membersWithPostToday(ctx context.Context, client *ent.Client, ids []int) (map[int]bool, error) {
	today := time.Now().UTC().Truncate(24 * time.Hour)
	var holders []int
	err := client.Post.Query().
		Where(post.MemberIDIn(ids...), post.StartOnLTE(today), post.Or(post.EndOnIsNil(), post.EndOnGTE(today))).
		Unique(true).Select(post.FieldMemberID).Scan(ctx, &holders)
	if err != nil {
		return nil, err
	}
	out := make(map[int]bool, len(ids))
	for _, id := range ids {
		out[id] = false
	}
	for _, id := range holders {
		out[id] = true
	}
	return out, nil
}
