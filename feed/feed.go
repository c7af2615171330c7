// Package feed is the change feed (`changes`): every create, update and delete of a record, in
// an order a client can follow with a stored cursor without ever skipping a row.
//
// The trap it avoids: an auto-increment ID or an updatedAt is taken when a row is written, not
// when its transaction commits, so a row whose transaction commits after a later-stamped one
// appears behind a reader that already moved past it. Here writers only append an entry
// without a position (Hook, in the writing transaction); one sequencer at a time (Sequence, a
// lease row in the database, so several replicas take turns) gives the committed entries the
// next positions; readers (Read) see positioned entries only. An entry that commits late is
// positioned late, after everything a reader has already seen.
package feed

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"entgo.io/ent"
	"entgo.io/ent/dialect/sql"

	"github.com/nanpiao/sbqw/apperr"
	"github.com/nanpiao/sbqw/authz"
	gen "github.com/nanpiao/sbqw/ent"
	"github.com/nanpiao/sbqw/ent/feedentry"
	"github.com/nanpiao/sbqw/ent/setting"
)

// MaxPage bounds one page of the feed, like every list (API.md).
const MaxPage = 500

// notRecorded are the types whose changes are no record of the programme: secrets and system
// state. Audit events keep their own chain; the feed's own entries are never recorded.
var notRecorded = map[string]bool{
	gen.TypeApiKey: true, gen.TypeTrustedDocument: true, gen.TypeFeedEntry: true,
}

// Recorded reports whether changes of entType appear in the feed: the soft-deleting record
// types (a deletion keeps the row, and with it the scope columns that decide who sees it).
func Recorded(entType string) bool {
	return gen.Scopes[entType].SoftDelete && !notRecorded[entType]
}

// recordedTypes lists the recorded types in a fixed order, so that a caller's feed query is the
// same statement every time.
var recordedTypes = func() []string {
	var out []string
	for t := range gen.Scopes {
		if Recorded(t) {
			out = append(out, t)
		}
	}
	slices.Sort(out)
	return out
}()

type unrecordedKey struct{}

// Unrecorded returns a context whose writes append no feed entries: the demo loader's bulk
// insert, which clients take in with their first full read (docs/sync.md), not from the feed.
func Unrecorded(ctx context.Context) context.Context {
	return context.WithValue(ctx, unrecordedKey{}, true)
}

func unrecorded(ctx context.Context) bool { b, _ := ctx.Value(unrecordedKey{}).(bool); return b }

type feedMutation interface {
	ent.Mutation
	Client() *gen.Client
	IDs(context.Context) ([]int, error)
}

// Hook appends a feed entry for every record a write creates, updates or (softly) deletes, in
// the write's transaction, so that the entry commits — or rolls back — with the change. A
// delete arrives here as the update that sets deleted_at (SoftDeleteMixin).
func Hook() ent.Hook {
	return func(next ent.Mutator) ent.Mutator {
		return ent.MutateFunc(func(ctx context.Context, m ent.Mutation) (ent.Value, error) {
			if !Recorded(m.Type()) || unrecorded(ctx) || !m.Op().Is(ent.OpCreate|ent.OpUpdate|ent.OpUpdateOne) {
				return next.Mutate(ctx, m)
			}
			fm, ok := m.(feedMutation)
			if !ok {
				return nil, fmt.Errorf("feed: unexpected mutation %T", m)
			}
			op := feedentry.OpUPDATED
			switch {
			case m.Op().Is(ent.OpCreate):
				op = feedentry.OpCREATED
			case isDelete(m):
				op = feedentry.OpDELETED
			}
			var ids []int
			if m.Op().Is(ent.OpUpdate) {
				// A bulk update names its rows by predicates: take them before they change.
				var err error
				if ids, err = fm.IDs(authz.Bypass(ctx, "change feed: rows of a bulk update")); err != nil {
					return nil, err
				}
			}
			value, err := next.Mutate(ctx, m)
			if err != nil {
				return value, err
			}
			if ids == nil {
				if id, ok := m.(interface{ ID() (int, bool) }).ID(); ok {
					ids = []int{id}
				}
			}
			towns, err := townshipsOf(ctx, fm, ids)
			if err != nil {
				return value, err
			}
			return value, appendEntries(ctx, fm.Client(), m.Type(), op, towns, ids)
		})
	}
}

func isDelete(m ent.Mutation) bool {
	_, ok := m.Field("deleted_at")
	return ok
}

// Append writes feed entries for records of one type changed outside ent's mutations (a
// household move rewrites scope columns in plain SQL). client must be the transaction's. The
// entries name no township: such a rewrite moves records between townships, and an entry
// without a township tells per-township caches (ChangesSince) that any township may have
// changed, the old one included.
func Append(ctx context.Context, client *gen.Client, entType string, op feedentry.Op, ids ...int) error {
	return appendEntries(ctx, client, entType, op, nil, ids)
}

// appendEntries writes one entry per id, with the record's township from towns (none when
// absent).
func appendEntries(ctx context.Context, client *gen.Client, entType string, op feedentry.Op, towns map[int]int, ids []int) error {
	if len(ids) == 0 || unrecorded(ctx) {
		return nil
	}
	builders := make([]*gen.FeedEntryCreate, len(ids))
	for i, id := range ids {
		builders[i] = client.FeedEntry.Create().SetRecordType(entType).SetRecordID(id).SetOp(op)
		if t, ok := towns[id]; ok {
			builders[i].SetTownshipID(t)
		}
	}
	return client.FeedEntry.CreateBulk(builders...).Exec(authz.Bypass(ctx, "change feed"))
}

// AppendRows is Append for rows of a table, named by the table (a plain-SQL rewrite of the rows
// under a household). Tables of types the feed does not record are ignored.
func AppendRows(ctx context.Context, client *gen.Client, table string, op feedentry.Op, ids ...int) error {
	for t, tbl := range gen.TypeTables {
		if tbl == table && Recorded(t) {
			return Append(ctx, client, t, op, ids...)
		}
	}
	return nil
}

// leaseKey names the settings row every sequencer locks first, so that one runs at a time
// across all replicas (an upsert takes the row's write lock until commit; on Galera two
// replicas' upserts of one row fail certification, and one retries later). The unique index on
// seq is the second guard: two sequencers can never hand out one position.
const leaseKey = "feed.sequencer"

// Sequence positions up to limit committed entries that have none yet, oldest first, after
// every position already given, and returns how many it positioned. Safe to run on every
// replica at once.
func Sequence(ctx context.Context, client *gen.Client, limit int) (int, error) {
	ctx = authz.Bypass(ctx, "change feed sequencer")
	open, err := client.FeedEntry.Query().Where(feedentry.SeqIsNil()).Exist(ctx)
	if err != nil || !open {
		return 0, err
	}
	tx, err := client.Tx(ctx)
	if err != nil {
		return 0, err
	}
	defer func() { _ = tx.Rollback() }()
	now := time.Now().UTC()
	err = tx.Setting.Create().SetKey(leaseKey).SetValue(now.Format(time.RFC3339Nano)).
		OnConflictColumns(setting.FieldKey).UpdateNewValues().Exec(ctx)
	if err != nil {
		return 0, fmt.Errorf("feed: taking the sequencer lease: %w", err)
	}
	// Read only now, holding the lease: the last position given by the sequencer before us.
	var last []struct {
		Max *int64 `json:"max"`
	}
	if err := tx.FeedEntry.Query().Aggregate(gen.Max(feedentry.FieldSeq)).Scan(ctx, &last); err != nil {
		return 0, err
	}
	var base int64
	if len(last) == 1 && last[0].Max != nil {
		base = *last[0].Max
	}
	// Only committed entries are seen here (READ COMMITTED on MySQL, one writer on SQLite); an
	// entry whose transaction is still open is positioned by a later run, after these.
	ids, err := tx.FeedEntry.Query().Where(feedentry.SeqIsNil()).Order(gen.Asc(feedentry.FieldID)).Limit(limit).IDs(ctx)
	if err != nil || len(ids) == 0 {
		return 0, err
	}
	// Positions follow the IDs within a run (gaps are harmless: a cursor only compares), so one
	// statement positions the whole run.
	args := []any{base - int64(ids[0]) + 1, now}
	marks := make([]string, len(ids))
	for i, id := range ids {
		marks[i] = "?"
		args = append(args, id)
	}
	res, err := tx.ExecContext(ctx, "UPDATE "+feedentry.Table+" SET "+feedentry.FieldSeq+" = "+feedentry.FieldID+" + ?, "+
		feedentry.FieldCommittedAt+" = ? WHERE "+feedentry.FieldSeq+" IS NULL AND "+feedentry.FieldID+" IN ("+strings.Join(marks, ", ")+")", args...)
	if err != nil {
		return 0, err
	}
	if n, err := res.RowsAffected(); err != nil || n != int64(len(ids)) {
		return 0, fmt.Errorf("feed: %d of %d entries were positioned meanwhile by another sequencer", int64(len(ids))-n, len(ids))
	}
	return len(ids), tx.Commit()
}

// Page is one page of the feed.
type Page struct {
	Entries []*gen.FeedEntry
	// End is the position to continue after: the last entry's, or — when the page is not full
	// — the newest position given at the time of reading, since nothing up to it is left for
	// this caller.
	End     int64
	HasMore bool
}

// Read returns up to first entries after position after that the caller may see: entries of
// the types it may read, of records its read rules reach — in SQL, the same rules as the lists
// (authz.ReadScope), deleted records included. A position before the newest one pruned
// (retention.go) is refused with ErrCursorExpired, never answered with a gap.
func Read(ctx context.Context, client *gen.Client, after int64, first int) (Page, error) {
	if first < 0 || first > MaxPage {
		return Page{}, apperr.Invalid("first", "must be between 0 and %d (每页最多%d条)", MaxPage, MaxPage)
	}
	if after < 0 {
		return Page{}, apperr.Invalid("after", "not a cursor returned by this API (分页游标无效)")
	}
	visible, any := scopeOf(ctx)
	sys := authz.Bypass(ctx, "change feed: filtered below by the caller's read rules")
	// The newest position first: every position up to it is committed, since one sequencer
	// commits at a time, so reading up to it skips nothing still on its way.
	head, err := Head(sys, client)
	if err != nil {
		return Page{}, err
	}
	page := Page{End: max(after, head)}
	if first == 0 || head <= after || !any {
		return page, nil
	}
	entries, err := client.FeedEntry.Query().
		Where(feedentry.SeqGT(after), feedentry.SeqLTE(head), visible).
		Order(gen.Asc(feedentry.FieldSeq)).Limit(first + 1).All(sys)
	if err != nil {
		return Page{}, err
	}
	// Read after the entries: a prune that removed some of them committed its record first.
	if pruned, err := prunedThrough(sys, client); err != nil {
		return Page{}, err
	} else if after < pruned {
		return Page{}, ErrCursorExpired
	}
	if len(entries) > first {
		entries, page.HasMore = entries[:first], true
	}
	page.Entries = entries
	if page.HasMore {
		page.End = *entries[len(entries)-1].Seq
	}
	return page, nil
}

// Head is the newest position given (0 before the first).
func Head(ctx context.Context, client *gen.Client) (int64, error) {
	var last []struct {
		Max *int64 `json:"max"`
	}
	if err := client.FeedEntry.Query().Aggregate(gen.Max(feedentry.FieldSeq)).Scan(authz.Bypass(ctx, "change feed head"), &last); err != nil {
		return 0, err
	}
	if len(last) == 1 && last[0].Max != nil {
		return *last[0].Max, nil
	}
	return 0, nil
}

// scopeOf is the caller's visibility over entries: for every recorded type it may read,
// "record_type = T AND record_id IN (SELECT id FROM T's table WHERE <its read rule>)"; any is
// false when it may read none.
func scopeOf(ctx context.Context) (func(*sql.Selector), bool) {
	type rule struct {
		entType string
		pred    func(*sql.Selector)
	}
	var rules []rule
	for _, t := range recordedTypes {
		if pred, ok := authz.ReadScope(ctx, t); ok {
			rules = append(rules, rule{t, pred})
		}
	}
	return func(s *sql.Selector) {
		ps := make([]*sql.Predicate, 0, len(rules))
		for _, r := range rules {
			p := sql.EQ(s.C(feedentry.FieldRecordType), r.entType)
			if r.pred != nil {
				sub := sql.Dialect(s.Dialect()).Select("id").From(sql.Table(gen.TypeTables[r.entType]))
				r.pred(sub)
				p = sql.And(p, sql.In(s.C(feedentry.FieldRecordID), sub))
			}
			ps = append(ps, p)
		}
		if len(ps) == 1 {
			s.Where(ps[0])
		} else {
			s.Where(sql.Or(ps...))
		}
	}, len(rules) > 0
}
