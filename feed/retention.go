package feed

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/nanpiao/sbqw/apperr"
	"github.com/nanpiao/sbqw/authz"
	gen "github.com/nanpiao/sbqw/ent"
	"github.com/nanpiao/sbqw/ent/feedentry"
	"github.com/nanpiao/sbqw/ent/setting"
)

// DefaultRetention is how long feed entries are kept when the server is not told otherwise
// (--feed-retention-days): long enough for an integration that syncs weekly, or one that was
// down for a month, to carry on from its cursor.
const DefaultRetention = 90 * 24 * time.Hour

// prunedKey names the settings row holding the newest position pruned: a cursor before it
// would silently skip what was pruned, so Read refuses it (ErrCursorExpired).
const prunedKey = "feed.pruned_through"

// pruneBatch bounds one pruning transaction: a backlog of months is removed in steps that each
// hold the sequencer's lease only briefly.
const pruneBatch = 5000

// ErrCursorExpired refuses a cursor older than the oldest entry the feed still holds: the
// changes right after it were pruned (retention), so following the feed from it would skip
// them. The client starts over as on its first sync: a fresh starting cursor, then a full read.
var ErrCursorExpired = &apperr.Error{Code: apperr.BadUserInput, Field: "after",
	Message: "this cursor is older than the change feed's retention: the changes after it were pruned. " +
		"Start over: take a fresh cursor with changes(first: 0), read every list again, then follow the feed from that cursor " +
		"(游标已过期：请重新全量同步)",
	Reason: "CURSOR_EXPIRED"}

// Prune deletes the positioned entries committed before before, oldest first (a prefix of the
// feed, so that every cursor is either fully served or refused), and records the newest
// position removed. It returns how many it deleted. Safe to run on every replica at once: each
// batch holds the sequencer's lease.
func Prune(ctx context.Context, client *gen.Client, before time.Time) (int, error) {
	ctx = authz.Bypass(ctx, "change feed retention")
	total := 0
	for {
		n, err := pruneOnce(ctx, client, before)
		total += n
		if err != nil || n < pruneBatch {
			return total, err
		}
	}
}

func pruneOnce(ctx context.Context, client *gen.Client, before time.Time) (int, error) {
	// The oldest entries by position (the index), then the run of them committed before the
	// cutoff: a bounded read however large the feed, and always a prefix of it.
	oldest, err := client.FeedEntry.Query().Where(feedentry.SeqNotNil()).
		Order(gen.Asc(feedentry.FieldSeq)).Limit(pruneBatch).
		Select(feedentry.FieldSeq, feedentry.FieldCommittedAt).All(ctx)
	if err != nil {
		return 0, err
	}
	var through int64
	for _, e := range oldest {
		if e.CommittedAt == nil || !e.CommittedAt.Before(before) {
			break
		}
		through = *e.Seq
	}
	if through == 0 {
		return 0, nil
	}
	tx, err := client.Tx(ctx)
	if err != nil {
		return 0, err
	}
	defer func() { _ = tx.Rollback() }()
	// The lease first: one sequencer or pruner at a time, so the record below only grows.
	err = tx.Setting.Create().SetKey(leaseKey).SetValue(time.Now().UTC().Format(time.RFC3339Nano)).
		OnConflictColumns(setting.FieldKey).UpdateNewValues().Exec(ctx)
	if err != nil {
		return 0, fmt.Errorf("feed: taking the sequencer lease to prune: %w", err)
	}
	prev, err := prunedThrough(ctx, tx.Client())
	if err != nil {
		return 0, err
	}
	n, err := tx.FeedEntry.Delete().Where(feedentry.SeqLTE(through)).Exec(ctx)
	if err != nil {
		return 0, err
	}
	if through > prev {
		err = tx.Setting.Create().SetKey(prunedKey).SetValue(strconv.FormatInt(through, 10)).
			OnConflictColumns(setting.FieldKey).UpdateNewValues().Exec(ctx)
		if err != nil {
			return 0, err
		}
	}
	return n, tx.Commit()
}

// prunedThrough is the newest position pruned (0: none).
func prunedThrough(ctx context.Context, client *gen.Client) (int64, error) {
	st, err := client.Setting.Query().Where(setting.Key(prunedKey)).Only(authz.Bypass(ctx, "change feed retention"))
	if gen.IsNotFound(err) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	through, err := strconv.ParseInt(st.Value, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("feed: setting %s holds %q, not a position", prunedKey, st.Value)
	}
	return through, nil
}
