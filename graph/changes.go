package graph

import (
	"context"
	"slices"
	"strconv"
	"sync"

	"entgo.io/contrib/entgql"
	"github.com/99designs/gqlgen/graphql"

	"github.com/nanpiao/sbqw/apperr"
	"github.com/nanpiao/sbqw/authz"
	"github.com/nanpiao/sbqw/ent"
	"github.com/nanpiao/sbqw/ent/feedentry"
	"github.com/nanpiao/sbqw/graph/model"
)

// feedPosition is the position a cursor names (0 without one).
func feedPosition(after *entgql.Cursor[int]) int64 {
	if after == nil {
		return 0
	}
	return int64(after.ID)
}

func feedCursor(seq int64) entgql.Cursor[int] { return entgql.Cursor[int]{ID: int(seq)} }

// changesOf turns feed entries into Changes, with their records looked up — once per type for
// the whole page, through the caller's privacy rules — when the client asked for `node`.
func changesOf(ctx context.Context, client *ent.Client, entries []*ent.FeedEntry, withNodes bool) ([]*model.Change, error) {
	var nodes map[int]ent.Noder
	if withNodes {
		var ids []int
		for _, e := range entries {
			if e.Op != feedentry.OpDELETED {
				ids = append(ids, e.RecordID)
			}
		}
		var err error
		if nodes, _, _, err = findNodes(authz.LookupContext(ctx), client, ids); err != nil {
			return nil, err
		}
	}
	out := make([]*model.Change, len(entries))
	for i, e := range entries {
		c := &model.Change{Op: model.ChangeOp(e.Op), Typename: e.RecordType, RecordID: e.RecordID, Cursor: feedCursor(*e.Seq)}
		if e.CommittedAt != nil {
			c.CommittedAt = *e.CommittedAt
		}
		if n, ok := nodes[e.RecordID]; ok {
			c.Node = n
		}
		out[i] = c
	}
	return out, nil
}

// selects reports whether the field being resolved selects name somewhere below, through
// path (e.g. "changes", "node").
func selects(ctx context.Context, path ...string) bool {
	fields := graphql.CollectFieldsCtx(ctx, nil)
	oc := graphql.GetOperationContext(ctx)
	for _, name := range path {
		i := slices.IndexFunc(fields, func(f graphql.CollectedField) bool { return f.Name == name })
		if i < 0 {
			return false
		}
		fields = graphql.CollectFields(oc, fields[i].Selections, nil)
	}
	return true
}

// streamKey is the credential a live stream counts against: the token's session or the key.
func streamKey(ctx context.Context) (string, error) {
	v := authz.FromContext(ctx)
	switch {
	case v == nil:
		return "", &apperr.Error{Code: apperr.Unauthenticated, Message: "sign in first (请先登录)"}
	case v.SessionID != "":
		return "session:" + v.SessionID, nil
	default:
		return "key:" + strconv.Itoa(v.APIKeyID), nil
	}
}

// follow streams the caller's feed entries after position after (keep filters them), each
// turned into a value by convert, until the client or the server ends the stream.
func follow[T any](ctx context.Context, r *Resolver, after int64, keep func(*ent.FeedEntry) bool, convert func(*ent.FeedEntry) (T, bool)) (<-chan T, error) {
	if r.live == nil {
		return nil, &apperr.Error{Code: apperr.Internal, Message: "live updates are not served here"}
	}
	key, err := streamKey(ctx)
	if err != nil {
		return nil, err
	}
	if !r.live.Enter(key) {
		return nil, &apperr.Error{Code: apperr.RateLimited, Message: "this credential already has as many live streams open as it may; close one first (实时推送连接过多)"}
	}
	var check func(context.Context) error
	if r.auth != nil {
		check = r.auth.Recheck // a revoked credential or changed access ends the stream
	}
	entries := make(chan *ent.FeedEntry)
	out := make(chan T)
	go func() {
		defer close(entries)
		if err := r.live.Follow(ctx, r.client, after, keep, check, entries); err != nil {
			endStream(ctx, err)
		}
	}()
	go func() {
		defer close(out)
		defer r.live.Leave(key)
		for e := range entries {
			v, ok := convert(e)
			if !ok {
				continue
			}
			select {
			case out <- v:
			case <-ctx.Done():
				for range entries { // let Follow see the end and close
				}
				return
			}
		}
	}()
	return out, nil
}

// StreamEnd carries why a live stream ended, from the resolver that ended it to the response
// handler that tells the client (package httpapi sends it as the stream's last event).
type StreamEnd struct {
	mu  sync.Mutex
	err error
}

type streamEndKey struct{}

// WithStreamEnd returns a context in which a subscription's resolver can leave the error that
// ended its stream, and the StreamEnd to take it from.
func WithStreamEnd(ctx context.Context) (context.Context, *StreamEnd) {
	end := &StreamEnd{}
	return context.WithValue(ctx, streamEndKey{}, end), end
}

// Take returns the error that ended the stream, once; nil when it ended otherwise (the client
// left, the server is stopping) or it was taken already.
func (e *StreamEnd) Take() error {
	e.mu.Lock()
	defer e.mu.Unlock()
	err := e.err
	e.err = nil
	return err
}

func endStream(ctx context.Context, err error) {
	if e, ok := ctx.Value(streamEndKey{}).(*StreamEnd); ok {
		e.mu.Lock()
		e.err = err
		e.mu.Unlock()
	}
}
