package workflow

import (
	"context"
	"fmt"

	"entgo.io/ent/dialect"
	"entgo.io/ent/dialect/sql"

	"github.com/nanpiao/sbqw/authz"
	"github.com/nanpiao/sbqw/ent"
)

// Check-then-write rules ("the household has no cadre yet", "the project is at RESEARCH") hold
// under concurrency only when the database decides them. Each rule takes the write lock of the
// row it is about — the parent whose children it counts, or the record it moves — before it
// reads anything, so a competing request waits for this transaction to end and then reads what
// it wrote. The reads after the lock see that write because transactions on MySQL run at READ
// COMMITTED (storage.NewDriver); SQLite has no row locks but its writers are serialised
// (BEGIN IMMEDIATE), which gives the same guarantee.

// LockRow takes the write lock of one row of an entity type until the transaction ends. Outside
// a transaction it only checks the row is there. A missing row is not an error here: the read
// that follows reports it in its own words.
func LockRow(ctx context.Context, c *ent.Client, typ string, id int) error {
	return lockRow(ctx, c, typ, id, sql.LockUpdate)
}

// LockRowShared takes the read (shared) lock of one row until the transaction ends: writers of
// the row (a household's move rewriting its scope columns) wait for this transaction, and other
// holders of the shared lock do not. For a parent under which children are added side by side.
func LockRowShared(ctx context.Context, c *ent.Client, typ string, id int) error {
	return lockRow(ctx, c, typ, id, sql.LockShare)
}

// lockRow locks one row with the lock of strength; SQLite serialises its writers, so it has
// nothing to lock.
func lockRow(ctx context.Context, c *ent.Client, typ string, id int, strength sql.LockStrength) error {
	if c.Dialect() == dialect.SQLite {
		return nil
	}
	table, ok := ent.TypeTables[typ]
	if !ok {
		return fmt.Errorf("lock: unknown type %s", typ)
	}
	var lock []sql.LockOption
	if strength == sql.LockShare {
		lock = append(lock, sql.WithLockClause("LOCK IN SHARE MODE")) // MariaDB has no FOR SHARE
	}
	query, args := sql.Dialect(c.Dialect()).Select("id").From(sql.Table(table)).
		Where(sql.EQ("id", id)).For(strength, lock...).Query()
	rows, err := c.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	return rows.Close()
}

// A held row: one row that the writing transaction has locked (MySQL: FOR UPDATE; SQLite: its
// writers are serialised) and then read through the caller's read rules, handed to the hooks of
// the write that follows in the same transaction so that they do not lock and read it again.
// It is attached to the context of that one write only (Hold), never to the request's.
type heldRow struct {
	viewer  *authz.Viewer
	table   string
	id      int
	row     any
	columns map[string]int // the row's stored scope columns; 0 is NULL (no row has ID 0)
}

type heldKey struct{}

// Hold returns ctx carrying row (table, id), locked by this transaction and read through the
// viewer's read rules, with its scope columns as read (an optional one read as 0 is NULL), for
// the hooks of the write made with the context.
func Hold(ctx context.Context, typ string, id int, row any, columns map[string]int) context.Context {
	return context.WithValue(ctx, heldKey{}, &heldRow{viewer: authz.FromContext(ctx), table: ent.TypeTables[typ], id: id, row: row, columns: columns})
}

func held(ctx context.Context, table string, id int) *heldRow {
	h, _ := ctx.Value(heldKey{}).(*heldRow)
	if h == nil || h.table != table || h.id != id || h.viewer == nil || h.viewer != authz.FromContext(ctx) {
		return nil
	}
	return h
}

// HeldVisible reports whether row (table, id) was read through the caller's read rules, under
// its lock, in this transaction (Hold): a reference to it needs no second lookup.
func HeldVisible(ctx context.Context, table string, id int) bool { return held(ctx, table, id) != nil }

// HeldColumns returns the stored values of cols of the held row (table, id), valid false for
// a NULL one; ok is false when no such row is held or one of cols was not given to Hold (the
// caller then reads the table).
func HeldColumns(ctx context.Context, table string, id int, cols []string) (vals []int, valid []bool, ok bool) {
	h := held(ctx, table, id)
	if h == nil {
		return nil, nil, false
	}
	vals, valid = make([]int, len(cols)), make([]bool, len(cols))
	for i, c := range cols {
		v, known := h.columns[c]
		if !known {
			return nil, nil, false
		}
		vals[i], valid[i] = v, v != 0
	}
	return vals, valid, true
}

// heldPairing is the pairing held for this write (Hold), or nil.
func heldPairing(ctx context.Context, id int) *ent.Pairing {
	if h := held(ctx, ent.TypeTables[ent.TypePairing], id); h != nil {
		p, _ := h.row.(*ent.Pairing)
		return p
	}
	return nil
}

// once runs an idempotent create: the record stored under the key if there is one, else a new
// one; when the create collides with a record stored meanwhile under the same key (the unique
// index), that record. On MySQL the colliding insert waits for the other transaction to end,
// and at READ COMMITTED the lookup then sees its row.
func once[T any](first func() (T, error), create func() (T, error)) (T, error) {
	found, err := first()
	if err == nil || !ent.IsNotFound(err) {
		return found, err
	}
	made, err := create()
	if err != nil && ent.IsConstraintError(err) {
		if found, ferr := first(); ferr == nil {
			return found, nil
		}
	}
	return made, err
}
