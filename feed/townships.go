package feed

import (
	"context"

	"entgo.io/ent"
	"entgo.io/ent/dialect/sql"

	"github.com/nanpiao/sbqw/authz"
	gen "github.com/nanpiao/sbqw/ent"
	"github.com/nanpiao/sbqw/ent/feedentry"
	"github.com/nanpiao/sbqw/ent/migrate"
)

// townshipColumn is the scope column an entry copies from its record.
const townshipColumn = "township_id"

// townshipTables are the tables whose rows carry a township.
var townshipTables = func() map[string]bool {
	out := map[string]bool{}
	for _, t := range migrate.Tables {
		for _, c := range t.Columns {
			if c.Name == townshipColumn {
				out[t.Name] = true
			}
		}
	}
	return out
}()

// townshipsOf returns the township of each written record that has one, read after the write:
// a created record's from the mutation (the scope hook set it), an updated or deleted one's
// from its row (scope columns are immutable to ent's updates, so it is the record's township
// before and after the write).
func townshipsOf(ctx context.Context, m feedMutation, ids []int) (map[int]int, error) {
	table := gen.TypeTables[m.Type()]
	if !townshipTables[table] || len(ids) == 0 {
		return nil, nil
	}
	if m.Op().Is(ent.OpCreate) { // one record: the mutation's ID
		if t, ok := m.Field(townshipColumn); ok {
			if t, ok := t.(int); ok {
				return map[int]int{ids[0]: t}, nil
			}
		}
		return nil, nil // created without a township
	}
	out := make(map[int]int, len(ids))
	const chunk = 500
	for start := 0; start < len(ids); start += chunk {
		part := ids[start:min(start+chunk, len(ids))]
		q, args := sql.Dialect(m.Client().Dialect()).Select("id", townshipColumn).From(sql.Table(table)).
			Where(sql.And(sql.InInts("id", part...), sql.NotNull(townshipColumn))).Query()
		rows, err := m.Client().QueryContext(authz.Bypass(ctx, "change feed: township of the written rows"), q, args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var id, t int
			if err := rows.Scan(&id, &t); err != nil {
				rows.Close()
				return nil, err
			}
			out[id] = t
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// Changed is one kind of change after a position: records of a type, in a township (0: an
// entry without one — a record of no township, or a scope rewrite).
type Changed struct {
	RecordType string
	TownshipID int
}

// Changes are what changed after a position, up to Head.
type Changes struct {
	// Head is the newest position given when the changes were read: everything positioned up
	// to it is listed (with what is committed but not yet positioned), and whatever commits or
	// is positioned later gets a position after it.
	Head    int64
	Changed []Changed
}

// ChangesSince lists the distinct (record type, township) of the entries positioned after
// after, and of the committed entries not positioned yet, with the head read first. A position
// before the newest one pruned is ErrCursorExpired: what changed after it is no longer known.
// It reads the newest entries only (the seq index), however long the feed.
func ChangesSince(ctx context.Context, client *gen.Client, after int64) (Changes, error) {
	sys := authz.Bypass(ctx, "change feed: what changed, for a cache")
	head, err := Head(sys, client)
	if err != nil {
		return Changes{}, err
	}
	out := Changes{Head: head}
	seen := map[Changed]bool{}
	for _, where := range []func(*sql.Selector){
		func(s *sql.Selector) { s.Where(sql.GT(s.C(feedentry.FieldSeq), after)) },
		func(s *sql.Selector) { s.Where(sql.IsNull(s.C(feedentry.FieldSeq))) },
	} {
		var rows []struct {
			RecordType string `json:"record_type"`
			TownshipID *int   `json:"township_id"`
		}
		err := client.FeedEntry.Query().Where(where).Unique(true).
			Select(feedentry.FieldRecordType, feedentry.FieldTownshipID).Scan(sys, &rows)
		if err != nil {
			return Changes{}, err
		}
		for _, r := range rows {
			c := Changed{RecordType: r.RecordType}
			if r.TownshipID != nil {
				c.TownshipID = *r.TownshipID
			}
			if !seen[c] {
				seen[c] = true
				out.Changed = append(out.Changed, c)
			}
		}
	}
	// Read after the entries: a prune that removed some of them committed its record first.
	if pruned, err := prunedThrough(sys, client); err != nil {
		return Changes{}, err
	} else if after < pruned {
		return Changes{}, ErrCursorExpired
	}
	return out, nil
}
