package storage_test

import (
	"context"
	"database/sql"
	"os"
	"testing"

	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"

	"github.com/nanpiao/sbqw/internal/testkit"
	"github.com/nanpiao/sbqw/storage"
)

// BenchmarkWriteTx is one small write transaction — BEGIN at READ COMMITTED, one UPDATE,
// COMMIT — through the application's driver ("context-commit": COMMIT sent by the connection
// under the transaction's context, storage.OpenSQL) and through the wrapper it replaced
// ("commit-then-rollback": COMMIT sent as a statement, then database/sql's ROLLBACK to release
// the connection, one more round trip). The table is a MEMORY table so the disk's flush does
// not drown the round trips being compared. Needs MYSQL_TEST_DSN.
func BenchmarkWriteTx(b *testing.B) {
	raw := os.Getenv(testkit.MySQLEnv)
	if raw == "" {
		b.Skip("needs MYSQL_TEST_DSN (a MySQL or MariaDB server)")
	}
	ctx := context.Background()
	_, dsn, _, err := storage.ParseURL(raw)
	if err != nil {
		b.Fatal(err)
	}
	pool, err := storage.OpenSQL("mysql", dsn)
	if err != nil {
		b.Fatal(err)
	}
	defer pool.Close()
	plain, err := sql.Open("mysql", dsn)
	if err != nil {
		b.Fatal(err)
	}
	defer plain.Close()
	for _, q := range []string{"DROP TABLE IF EXISTS bench_write_tx", "CREATE TABLE bench_write_tx (id INT PRIMARY KEY, n INT NOT NULL) ENGINE=MEMORY", "INSERT INTO bench_write_tx VALUES (1, 0)"} {
		if _, err := pool.ExecContext(ctx, q); err != nil {
			b.Fatal(err)
		}
	}
	defer pool.ExecContext(ctx, "DROP TABLE bench_write_tx") //nolint:errcheck
	run := func(b *testing.B, begin func() (dialect.Tx, error)) {
		var before, after int
		if err := pool.QueryRowContext(ctx, "SELECT n FROM bench_write_tx").Scan(&before); err != nil {
			b.Fatal(err)
		}
		for i := 0; i < b.N; i++ {
			tx, err := begin()
			if err != nil {
				b.Fatal(err)
			}
			if err := tx.Exec(ctx, "UPDATE bench_write_tx SET n = n + 1 WHERE id = 1", []any{}, nil); err != nil {
				b.Fatal(err)
			}
			if err := tx.Commit(); err != nil {
				b.Fatal(err)
			}
		}
		b.StopTimer()
		if err := pool.QueryRowContext(ctx, "SELECT n FROM bench_write_tx").Scan(&after); err != nil || after-before != b.N {
			b.Fatalf("%d transactions committed, the counter moved by %d (%v)", b.N, after-before, err)
		}
	}
	drv := storage.NewDriver(dialect.MySQL, pool)
	old := entsql.OpenDB(dialect.MySQL, plain)
	b.Run("context-commit", func(b *testing.B) { run(b, func() (dialect.Tx, error) { return drv.Tx(ctx) }) })
	b.Run("commit-then-rollback", func(b *testing.B) {
		run(b, func() (dialect.Tx, error) {
			tx, err := old.BeginTx(ctx, &sql.TxOptions{Isolation: sql.LevelReadCommitted})
			return commitThenRollback{tx}, err
		})
	})
}

// commitThenRollback is how transactions ended before storage.OpenSQL, kept for the comparison.
type commitThenRollback struct{ dialect.Tx }

func (t commitThenRollback) Commit() error {
	if err := t.Exec(context.Background(), "COMMIT", []any{}, nil); err != nil {
		_ = t.Tx.Rollback()
		return err
	}
	_ = t.Tx.Rollback()
	return nil
}
