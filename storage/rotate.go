package storage

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/nanpiao/sbqw/ent"
	"github.com/nanpiao/sbqw/ent/cadre"
	"github.com/nanpiao/sbqw/ent/partymember"
	"github.com/nanpiao/sbqw/ent/resident"
	"github.com/nanpiao/sbqw/ent/setting"
	"github.com/nanpiao/sbqw/pii"
)

// Key rotation: every sealed personal value is opened (with whichever configured key sealed
// it) and sealed again with the current key, bound to its row, and its blind index recomputed
// under the current key. It runs beside the serving replicas:
//   - in batches, each its own short transaction, so readers and writers wait at most one batch;
//   - each row is rewritten only if its sealed values are still the ones read (a request that
//     changed them meanwhile sealed them with the current key already), and neither the row's
//     version nor its updated_at moves, since nothing a client sees has changed;
//   - progress (the key rotated to, the table, the last row ID done) is written in the batch's
//     own transaction, so a killed rotation continues where its last batch ended;
//   - lookups by blind index search every configured key's index meanwhile (pii.BlindIndexes),
//     so duplicate checks keep working while some rows are rekeyed and others are not.

// sealedColumns lists, per table, the personal columns and their blind index kinds.
var sealedColumns = []struct {
	table   string
	columns []string
}{
	{resident.Table, []string{resident.FieldIDNumber, resident.FieldPhone}},
	{partymember.Table, []string{partymember.FieldIDNumber, partymember.FieldPhone}},
	{cadre.Table, []string{cadre.FieldPhone}},
}

func indexKind(column string) string {
	if column == resident.FieldPhone {
		return pii.KindPhone
	}
	return pii.KindIDNumber
}

// rotationKey is the settings row holding a rotation's progress.
const rotationKey = "pii.rotation"

type rotationProgress struct {
	Key   string `json:"key"`   // the key ID rotated to
	Table int    `json:"table"` // index into sealedColumns
	After int    `json:"after"` // last row ID done in that table
}

// RotationStats says what a rotation did.
type RotationStats struct {
	Resumed    bool // continued an interrupted rotation to the same key
	Rewritten  int  // values sealed again with the current key
	Changed    int  // rows left alone: rewritten by a request meanwhile
	Unreadable []string
}

// RotateDataKey moves every sealed value to the current data key (the first of the sealer's
// keys) in batches of batch rows. ctx must allow system work (authz.Bypass): it writes the
// progress row. Values that open with no configured key are listed in
// Unreadable and left as they are; the rotation still completes. report, when not nil, is told
// after each batch.
func (d *DB) RotateDataKey(ctx context.Context, batch int, report func(table string, after int, st RotationStats)) (RotationStats, error) {
	var st RotationStats
	sealer := d.Client.Sealer
	if sealer.CurrentKeyID() == "" {
		return st, pii.ErrNoKey
	}
	if batch <= 0 {
		batch = 500
	}
	p, err := d.rotationProgress(ctx)
	if err != nil {
		return st, err
	}
	if p.Key == sealer.CurrentKeyID() && (p.Table > 0 || p.After > 0) && p.Table < len(sealedColumns) {
		st.Resumed = true
	} else {
		p = rotationProgress{Key: sealer.CurrentKeyID()}
	}
	unreadable := map[string]bool{}
	for ; p.Table < len(sealedColumns); p.Table, p.After = p.Table+1, 0 {
		t := sealedColumns[p.Table]
		for {
			n, last, err := d.rotateBatch(ctx, t.table, t.columns, p, batch, &st, unreadable)
			if err != nil {
				return st, err
			}
			if n == 0 {
				break
			}
			p.After = last
			if report != nil {
				report(t.table, last, st)
			}
		}
	}
	return st, d.saveProgress(ctx, d.Client, p)
}

// rotateBatch rewrites up to batch rows of table after p.After that hold a value not sealed
// with the current key, and saves the progress in the same transaction. It returns the number
// of rows looked at and the last row's ID.
func (d *DB) rotateBatch(ctx context.Context, table string, columns []string, p rotationProgress, batch int, st *RotationStats, unreadable map[string]bool) (int, int, error) {
	sealer := d.Client.Sealer
	like := sealer.CurrentPrefix() + "%" // hex digits and colons: nothing LIKE treats specially
	cols, stale := make([]string, 0, len(columns)), make([]string, 0, len(columns))
	args := []any{p.After}
	for _, c := range columns {
		cols = append(cols, "COALESCE("+c+"_sealed, '')")
		stale = append(stale, "(COALESCE("+c+"_sealed, '') <> '' AND "+c+"_sealed NOT LIKE ?)")
		args = append(args, like)
	}
	q := "SELECT id, " + strings.Join(cols, ", ") + " FROM " + table + " WHERE id > ? AND (" + strings.Join(stale, " OR ") + ") ORDER BY id LIMIT " + fmt.Sprint(batch)
	tx, err := d.Client.Tx(ctx)
	if err != nil {
		return 0, 0, err
	}
	defer func() { _ = tx.Rollback() }()
	c := tx.Client()
	type row struct {
		id     int
		sealed []string
	}
	var todo []row
	rows, err := c.QueryContext(ctx, q, args...)
	if err != nil {
		return 0, 0, err
	}
	for rows.Next() {
		r := row{sealed: make([]string, len(columns))}
		dest := []any{&r.id}
		for i := range r.sealed {
			dest = append(dest, &r.sealed[i])
		}
		if err := rows.Scan(dest...); err != nil {
			rows.Close()
			return 0, 0, err
		}
		todo = append(todo, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, 0, err
	}
	if len(todo) == 0 {
		return 0, 0, nil
	}
	for _, r := range todo {
		var sets, where []string
		var setArgs, whereArgs []any
		for i, col := range columns {
			old := r.sealed[i]
			if old == "" || sealer.Current(old) {
				continue
			}
			at := pii.Place{Table: table, Column: col, Row: r.id}
			plain, err := sealer.Open(at, old)
			if err != nil {
				name := fmt.Sprintf("%s.%s id %d: %v", table, col, r.id, err)
				if !unreadable[name] {
					unreadable[name] = true
					st.Unreadable = append(st.Unreadable, name)
				}
				continue
			}
			sealed, err := sealer.Seal(at, plain)
			if err != nil {
				return 0, 0, err
			}
			idx, err := sealer.BlindIndex(indexKind(col), plain)
			if err != nil {
				return 0, 0, err
			}
			sets = append(sets, col+"_sealed = ?", col+"_index = ?")
			setArgs = append(setArgs, sealed, idx)
			where = append(where, col+"_sealed = ?")
			whereArgs = append(whereArgs, old)
		}
		if len(sets) == 0 {
			continue
		}
		res, err := c.ExecContext(ctx, "UPDATE "+table+" SET "+strings.Join(sets, ", ")+" WHERE id = ? AND "+strings.Join(where, " AND "),
			append(append(setArgs, r.id), whereArgs...)...)
		if err != nil {
			return 0, 0, fmt.Errorf("rekeying %s %d: %w", table, r.id, err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return 0, 0, err
		} else if n == 0 {
			st.Changed++
		} else {
			st.Rewritten += len(sets) / 2
		}
	}
	last := todo[len(todo)-1].id
	p.After = last
	if err := d.saveProgress(ctx, c, p); err != nil {
		return 0, 0, err
	}
	return len(todo), last, tx.Commit()
}

func (d *DB) rotationProgress(ctx context.Context) (rotationProgress, error) {
	var p rotationProgress
	s, err := d.Client.Setting.Query().Where(setting.Key(rotationKey)).Only(ctx)
	if ent.IsNotFound(err) {
		return p, nil
	}
	if err != nil {
		return p, err
	}
	return p, json.Unmarshal([]byte(s.Value), &p)
}

func (d *DB) saveProgress(ctx context.Context, c *ent.Client, p rotationProgress) error {
	b, err := json.Marshal(p)
	if err != nil {
		return err
	}
	return c.Setting.Create().SetKey(rotationKey).SetValue(string(b)).
		OnConflictColumns(setting.FieldKey).UpdateValue().Exec(ctx)
}

// RotationDone reports whether a rotation to the current key has completed.
func (d *DB) RotationDone(ctx context.Context) (bool, error) {
	p, err := d.rotationProgress(ctx)
	return p.Key == d.Client.Sealer.CurrentKeyID() && p.Table >= len(sealedColumns), err
}
