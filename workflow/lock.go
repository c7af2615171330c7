package workflow

import (
	"context"
	"fmt"

	"entgo.io/ent/dialect"

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
	if c.Dialect() == dialect.SQLite {
		return nil
	}
	table, ok := ent.TypeTables[typ]
	if !ok {
		return fmt.Errorf("lock: unknown type %s", typ)
	}
	rows, err := c.QueryContext(ctx, "SELECT id FROM "+table+" WHERE id = ? FOR UPDATE", id)
	if err != nil {
		return err
	}
	return rows.Close()
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
