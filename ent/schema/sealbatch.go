package schema

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/nanpiao/sbqw/authz"
)

// SealBatch collects the sealed personal values of rows created in bulk, so that a bulk loader
// writes them with one UPDATE per chunk of rows instead of one per row (see sealPersonalData:
// a new row's ID, which the sealing is bound to, is only known after its INSERT). The values are
// sealed exactly as in the per-row path (same key, same pii.Place); only the statement that
// stores them is shared. The loader must Flush on the same transaction right after each
// CreateBulk.Save, before anything reads the rows back.
type SealBatch struct {
	mu   sync.Mutex
	rows map[string][]sealedRow // "table\x00col1,col2" → rows
}

type sealedRow struct {
	id   int
	vals []string
}

type sealBatchKey struct{}

// DeferSealing returns a context whose creates leave their sealing UPDATE to b.Flush. It only
// takes effect for system contexts (authz.Bypass): the demo loader. Nothing reachable from a
// request uses it.
func DeferSealing(ctx context.Context, b *SealBatch) context.Context {
	return context.WithValue(ctx, sealBatchKey{}, b)
}

func sealBatchOf(ctx context.Context) *SealBatch {
	if !authz.IsSystem(ctx) {
		return nil
	}
	b, _ := ctx.Value(sealBatchKey{}).(*SealBatch)
	return b
}

func (b *SealBatch) add(table string, id int, cols, vals []string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.rows == nil {
		b.rows = map[string][]sealedRow{}
	}
	k := table + "\x00" + strings.Join(cols, ",")
	b.rows[k] = append(b.rows[k], sealedRow{id: id, vals: vals})
}

// sealChunk rows share one UPDATE: each row costs 2 placeholders per column plus one.
const sealChunk = 200

// Flush writes the collected values, one statement per chunk of rows of the same table and
// columns:
//
//	UPDATE residents SET id_number_sealed = CASE id WHEN ? THEN ? … END, … WHERE id IN (?, …)
//
// and forgets them.
func (b *SealBatch) Flush(ctx context.Context, exec func(ctx context.Context, query string, args ...any) error) error {
	b.mu.Lock()
	pending := b.rows
	b.rows = nil
	b.mu.Unlock()
	keys := make([]string, 0, len(pending))
	for k := range pending {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		table, colList, _ := strings.Cut(k, "\x00")
		cols := strings.Split(colList, ",")
		rows := pending[k]
		for start := 0; start < len(rows); start += sealChunk {
			chunk := rows[start:min(start+sealChunk, len(rows))]
			var q strings.Builder
			args := make([]any, 0, len(chunk)*(2*len(cols)+1))
			q.WriteString("UPDATE " + table + " SET ")
			for ci, c := range cols {
				if ci > 0 {
					q.WriteString(", ")
				}
				q.WriteString(c + "_sealed = CASE id")
				for _, r := range chunk {
					q.WriteString(" WHEN ? THEN ?")
					args = append(args, r.id, r.vals[ci])
				}
				q.WriteString(" END")
			}
			q.WriteString(" WHERE id IN (?" + strings.Repeat(", ?", len(chunk)-1) + ")")
			for _, r := range chunk {
				args = append(args, r.id)
			}
			if err := exec(ctx, q.String(), args...); err != nil {
				return fmt.Errorf("sealing personal data of %d %s rows: %w", len(chunk), table, err)
			}
		}
	}
	return nil
}
